package io.vrouter.server.l3;

import io.vrouter.server.testing.TestDatabase;

/** Concurrent IP allocation on the embedded H2 database. */
class IpAllocatorConcurrencyOnH2Test extends IpAllocatorConcurrencyContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
