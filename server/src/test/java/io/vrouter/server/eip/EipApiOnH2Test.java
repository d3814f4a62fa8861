package io.vrouter.server.eip;

import io.vrouter.server.testing.TestDatabase;

/** The EIP APIs on the embedded H2 database. */
class EipApiOnH2Test extends EipApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
