package io.vrouter.server.l3;

import io.vrouter.server.testing.TestDatabase;

/** The L3 network, IP range and DNS API on the embedded H2 database. */
class L3NetworkApiOnH2Test extends L3NetworkApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
