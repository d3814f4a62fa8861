package io.vrouter.server.testing;

import io.vrouter.client.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * The base of the API contract tests: one management node per test class on the subclass's database, stopped
 * after the class, and a fresh admin session and {@link Infra} before each test. A contract is an abstract class
 * extending this one; its {@code ...OnH2Test} and {@code ...OnPostgresTest} subclasses only choose the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class NodeContract {
    protected TestNode node;
    protected ApiClient admin;
    /** The infrastructure fixture on {@link #admin}'s session, new for each test. */
    protected Infra infra;

    protected abstract TestDatabase database();

    @BeforeAll
    protected void startNode() {
        node = TestNode.start(database());
    }

    @AfterAll
    protected void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @BeforeEach
    protected void logIn() {
        admin = node.admin();
        infra = new Infra(admin);
    }
}
