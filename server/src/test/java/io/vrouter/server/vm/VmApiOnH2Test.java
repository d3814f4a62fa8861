package io.vrouter.server.vm;

import io.vrouter.server.testing.TestDatabase;

/** VM APIs on the embedded H2 database. */
class VmApiOnH2Test extends VmApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
