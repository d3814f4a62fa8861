package io.vrouter.server.eip;

import io.vrouter.server.testing.TestDatabase;

/** The EIP APIs on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class EipApiOnPostgresTest extends EipApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
