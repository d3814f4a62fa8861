package io.vrouter.server.l3;

import io.vrouter.server.testing.TestDatabase;

/** The L3 network, IP range and DNS API on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class L3NetworkApiOnPostgresTest extends L3NetworkApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
