package io.vrouter.server.vip;

import io.vrouter.server.testing.TestDatabase;

/** The VIP APIs on the embedded H2 database. */
class VipApiOnH2Test extends VipApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
