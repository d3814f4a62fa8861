package io.vrouter.server.portforwarding;

import io.vrouter.server.testing.TestDatabase;

/** The port forwarding APIs on the embedded H2 database. */
class PortForwardingApiOnH2Test extends PortForwardingApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
