package io.vrouter.tools.bench;

import io.vrouter.client.ApiClient;
import io.vrouter.server.Clock;
import io.vrouter.agent.http.InProcessAgentHost;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.NodeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A management node in the benchmark's JVM: loopback, a free port, a temporary data directory (deleted at close),
 * the embedded H2 database there unless a JDBC URL is given (which must name an empty database).
 */
final class BenchNode implements AutoCloseable {
    static final String ADMIN_PASSWORD = "bench-admin-password";

    private final Path dataDir;
    private final String dbUrl;
    private ManagementNode node;
    private InProcessAgentHost agents;
    private String url;

    private BenchNode(Path dataDir, String dbUrl) {
        this.dataDir = dataDir;
        this.dbUrl = dbUrl;
    }

    static BenchNode start(String dbUrl) {
        Path dir;
        try {
            dir = Files.createTempDirectory("vrouter-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for the benchmark's node", e);
        }
        BenchNode n = new BenchNode(dir, dbUrl);
        try {
            n.boot();
        } catch (RuntimeException e) {
            n.deleteDataDir();
            throw e;
        }
        return n;
    }

    /** Creates and starts a node on the data directory; the next {@link #api()} talks to it. */
    void boot() {
        agents = new InProcessAgentHost();
        node = new ManagementNode(new NodeOptions("127.0.0.1", 0, dataDir, dbUrl, null, null, ADMIN_PASSWORD), Clock.SYSTEM, agents);
        url = node.start();
    }

    /** Closes the node; the data stays for {@link #boot()}. */
    void stop() {
        if (node != null) {
            ManagementNode n = node;
            node = null;
            n.close();
        }
    }

    ManagementNode node() {
        return node;
    }

    /** The agents of the node's Simulator routers: what each applied. */
    InProcessAgentHost agents() {
        return agents;
    }

    String url() {
        return url;
    }

    /** A client logged in as admin. */
    ApiClient api() {
        return ApiClient.forUrl(url).logIn(ADMIN_PASSWORD);
    }

    String database() {
        return dbUrl == null ? "embedded H2 (file, in " + dataDir + ")" : io.vrouter.server.db.Database.redact(dbUrl);
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            deleteDataDir();
        }
    }

    private void deleteDataDir() {
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + dataDir + ": " + e.getMessage());
        }
    }
}
