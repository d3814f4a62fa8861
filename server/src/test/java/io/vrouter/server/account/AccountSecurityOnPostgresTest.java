package io.vrouter.server.account;

import io.vrouter.server.testing.TestDatabase;

/** Account security on Postgres. */
class AccountSecurityOnPostgresTest extends AccountSecurityContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
