package io.vrouter.server.http;

import io.vrouter.server.testing.TestDatabase;

/** The foundation's API on the embedded H2 database. */
class FoundationApiOnH2Test extends FoundationApiContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
