package io.vrouter.server.cluster;

import io.vrouter.server.testing.TestDatabase;

/** The cluster API on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class ClusterApiOnPostgresTest extends ClusterApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
