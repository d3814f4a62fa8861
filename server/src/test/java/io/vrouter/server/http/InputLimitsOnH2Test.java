package io.vrouter.server.http;

import io.vrouter.server.testing.TestDatabase;

/** Input limits on the embedded H2 database. */
class InputLimitsOnH2Test extends InputLimitsContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
