package io.vrouter.server.portforwarding;

import io.vrouter.server.testing.TestDatabase;

/** The port forwarding APIs on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class PortForwardingApiOnPostgresTest extends PortForwardingApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
