package io.vrouter.server.testing;

import io.vrouter.agent.http.InProcessAgentHost;
import io.vrouter.hostagent.HostAgent;
import io.vrouter.hostagent.InProcessHostAgent;
import io.vrouter.client.ApiClient;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.NodeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A management node in the test's JVM on a free loopback port, with its own data directory and database:
 * the embedded H2 file database, or a fresh database in the shared test PostgreSQL cluster.
 */
public final class TestNode implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "test-admin-password";

    private final Path dataDir;
    private final String dbUrl;
    private final MutableClock clock;
    private ManagementNode node;
    private InProcessAgentHost agents;
    private InProcessHostAgent hostAgent;
    private String url;

    private TestNode(Path dataDir, String dbUrl, MutableClock clock) {
        this.dataDir = dataDir;
        this.dbUrl = dbUrl;
        this.clock = clock;
    }

    public static TestNode start(TestDatabase database) {
        try {
            Path dir = Files.createTempDirectory("vrouter-test-");
            TestNode n = new TestNode(dir, database.newUrl(), new MutableClock());
            n.boot();
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A node on an existing database, e.g. a second management node sharing one PostgreSQL database. */
    public static TestNode startOn(String jdbcUrl) {
        try {
            TestNode n = new TestNode(Files.createTempDirectory("vrouter-test-"), jdbcUrl, new MutableClock());
            n.boot();
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void boot() {
        agents = new InProcessAgentHost();
        hostAgent = new InProcessHostAgent();
        node = new ManagementNode(new NodeOptions("127.0.0.1", 0, dataDir, dbUrl, null, null, ADMIN_PASSWORD), clock, agents,
                hostAgent);
        url = node.start();
    }

    /** The host agent of this machine the node runs (started now if it is not yet): what it made on the host. */
    public HostAgent hostAgent() {
        return hostAgent.startedAgent(dataDir);
    }

    /** Stops the node and starts a new one on the same data: what survives is what was persisted. */
    public void restart() {
        node.close();
        boot();
    }

    public ApiClient client() {
        return ApiClient.forUrl(url);
    }

    public ApiClient admin() {
        return client().logIn(ADMIN_PASSWORD);
    }

    public String url() {
        return url;
    }

    public MutableClock clock() {
        return clock;
    }

    public ManagementNode node() {
        return node;
    }

    /** The agents of the node's Simulator routers: what each applied ({@code dataplane(router uuid)}). */
    public InProcessAgentHost agents() {
        return agents;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            node.close();
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind is harmless; the test result is what matters
            }
        }
    }
}
