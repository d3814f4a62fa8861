package io.vrouter.server.l2;

import io.vrouter.server.testing.TestDatabase;

/** The L2 network API on the embedded H2 database. */
class L2NetworkApiOnH2Test extends L2NetworkApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
