package io.vrouter.server.cluster;

import io.vrouter.server.testing.TestDatabase;

/** The cluster API on the embedded H2 database. */
class ClusterApiOnH2Test extends ClusterApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
