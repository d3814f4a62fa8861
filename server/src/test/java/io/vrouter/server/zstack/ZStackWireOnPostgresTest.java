package io.vrouter.server.zstack;

import io.vrouter.server.testing.TestDatabase;

class ZStackWireOnPostgresTest extends ZStackWireContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
