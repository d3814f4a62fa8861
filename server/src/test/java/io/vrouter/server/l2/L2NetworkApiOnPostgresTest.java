package io.vrouter.server.l2;

import io.vrouter.server.testing.TestDatabase;

/** The L2 network API on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class L2NetworkApiOnPostgresTest extends L2NetworkApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
