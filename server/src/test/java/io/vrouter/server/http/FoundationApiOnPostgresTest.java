package io.vrouter.server.http;

import io.vrouter.server.testing.TestDatabase;

/** The foundation's API on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class FoundationApiOnPostgresTest extends FoundationApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
