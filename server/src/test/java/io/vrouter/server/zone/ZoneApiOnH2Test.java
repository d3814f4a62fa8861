package io.vrouter.server.zone;

import io.vrouter.server.testing.TestDatabase;

/** The zone API on the embedded H2 database. */
class ZoneApiOnH2Test extends ZoneApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
