package io.vrouter.server.host;

import io.vrouter.server.testing.TestDatabase;

/** The host API on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class HostApiOnPostgresTest extends HostApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
