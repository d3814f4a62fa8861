package io.vrouter.server.l3;

import io.vrouter.server.testing.TestDatabase;

/** Concurrent IP allocation on a real PostgreSQL cluster (skipped with a reason where PostgreSQL is not installed). */
class IpAllocatorConcurrencyOnPostgresTest extends IpAllocatorConcurrencyContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
