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

    /**
     * A node on an existing database whose Simulator routers' agents live in another node's agent host: management
     * nodes sharing one database and one set of (simulated) hosts, so any of them reaches any router. The agents are
     * closed by the node that made them.
     */
    public static TestNode startOn(String jdbcUrl, TestNode sharingAgentsWith) {
        try {
            TestNode n = new TestNode(Files.createTempDirectory("vrouter-test-"), jdbcUrl, new MutableClock());
            n.sharedAgents = sharingAgentsWith.agents;
            // nodes sharing a database share the installation's authority (docs/tls.md): its files, copied
            Path tls = sharingAgentsWith.dataDir.resolve("tls");
            Files.createDirectories(n.dataDir.resolve("tls"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            try (Stream<Path> files = Files.list(tls)) {
                for (Path file : files.toList()) {
                    Files.copy(file, n.dataDir.resolve("tls").resolve(file.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            n.boot();
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private InProcessAgentHost sharedAgents;

    private void boot() {
        if (sharedAgents != null) {
            agents = sharedAgents;
            InProcessAgentHost shared = sharedAgents;
            io.vrouter.agent.protocol.InProcessAgents notClosing = new io.vrouter.agent.protocol.InProcessAgents() {
                @Override
                public void useTls(javax.net.ssl.SSLContext agentContext) {
                    // the agents already answer with the shared authority's certificate
                }

                @Override
                public void start(String vrUuid, String secret, String version, String md5) {
                    shared.start(vrUuid, secret, version, md5);
                }

                @Override
                public void startWithForeignCertificate(String vrUuid, String secret, String version, String md5) {
                    shared.startWithForeignCertificate(vrUuid, secret, version, md5);
                }

                @Override
                public void stop(String vrUuid) {
                    shared.stop(vrUuid);
                }

                @Override
                public String url(String vrUuid) {
                    return shared.url(vrUuid);
                }

                @Override
                public void close() {
                    // the node that made them closes them
                }
            };
            node = new ManagementNode(new NodeOptions("127.0.0.1", 0, dataDir, dbUrl, null, null, ADMIN_PASSWORD), clock, notClosing,
                    hostAgent = new InProcessHostAgent());
        } else {
            agents = new InProcessAgentHost();
            hostAgent = new InProcessHostAgent();
            node = new ManagementNode(new NodeOptions("127.0.0.1", 0, dataDir, dbUrl, null, null, ADMIN_PASSWORD), clock, agents,
                    hostAgent);
        }
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
