package io.vrouter.server.l2;

import io.vrouter.server.testing.TestDatabase;

/** The VXLAN APIs on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class VxlanApiOnPostgresTest extends VxlanApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
