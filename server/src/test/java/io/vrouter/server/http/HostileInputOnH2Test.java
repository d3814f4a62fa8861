package io.vrouter.server.http;

import io.vrouter.server.testing.TestDatabase;

/** Hostile input over every API on H2. */
class HostileInputOnH2Test extends HostileInputContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
