package io.vrouter.server.zstack;

import io.vrouter.server.testing.TestDatabase;

class ZStackWireOnH2Test extends ZStackWireContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
