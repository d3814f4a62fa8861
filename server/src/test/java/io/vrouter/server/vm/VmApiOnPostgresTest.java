package io.vrouter.server.vm;

import io.vrouter.server.testing.TestDatabase;

/** VM APIs on real PostgreSQL. */
class VmApiOnPostgresTest extends VmApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
