package io.vrouter.server.zone;

import io.vrouter.server.testing.TestDatabase;

/** The zone API on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class ZoneApiOnPostgresTest extends ZoneApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
