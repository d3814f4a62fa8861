package io.vrouter.server.http;

import io.vrouter.server.testing.TestDatabase;

/** Input limits on PostgreSQL, which refuses NUL and lone surrogates at write time. */
class InputLimitsOnPostgresTest extends InputLimitsContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
