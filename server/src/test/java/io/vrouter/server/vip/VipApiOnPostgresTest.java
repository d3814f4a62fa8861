package io.vrouter.server.vip;

import io.vrouter.server.testing.TestDatabase;

/** The VIP APIs on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class VipApiOnPostgresTest extends VipApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
