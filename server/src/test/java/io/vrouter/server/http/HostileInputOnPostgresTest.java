package io.vrouter.server.http;

import io.vrouter.server.testing.TestDatabase;

/** Hostile input over every API on Postgres. */
class HostileInputOnPostgresTest extends HostileInputContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
