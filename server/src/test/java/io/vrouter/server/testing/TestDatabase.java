package io.vrouter.server.testing;

import org.junit.jupiter.api.Assumptions;

/** The databases every API integration test runs against: the embedded default and real PostgreSQL. */
public enum TestDatabase {
    H2 {
        @Override
        String newUrl() {
            return null;
        }
    },
    POSTGRES {
        @Override
        String newUrl() {
            PostgresServer server = PostgresServer.shared().orElse(null);
            Assumptions.assumeTrue(server != null, () -> "PostgreSQL tests skipped: " + PostgresServer.unavailableReason());
            return server.newDatabase();
        }
    };

    /** A JDBC URL of a fresh database, or null for the node's embedded default. */
    abstract String newUrl();
}
