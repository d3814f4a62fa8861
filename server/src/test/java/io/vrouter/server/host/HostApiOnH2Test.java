package io.vrouter.server.host;

import io.vrouter.server.testing.TestDatabase;

/** The host API on the embedded H2 database. */
class HostApiOnH2Test extends HostApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
