package io.vrouter.server.l2;

import io.vrouter.server.testing.TestDatabase;

/** The VXLAN APIs on the embedded H2 database. */
class VxlanApiOnH2Test extends VxlanApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
