package io.vrouter.server.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real, throwaway PostgreSQL cluster for tests: Debian's server binaries, a data directory under /tmp, a
 * loopback port, trust authentication. Started once per test JVM and stopped (and deleted) when the JVM exits.
 * initdb refuses to run as root, so as root the cluster runs as the {@code postgres} system user.
 */
public final class PostgresServer {
    private static PostgresServer shared;
    private static String unavailableReason;

    private final Path binDir;
    private final Path dataDir;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresServer(Path binDir, Path dataDir, int port, boolean asPostgresUser) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The JVM's cluster, started at first use; empty with {@link #unavailableReason()} when it cannot run here. */
    public static synchronized Optional<PostgresServer> shared() {
        if (shared == null && unavailableReason == null) {
            try {
                shared = start();
                Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "postgres-stop"));
            } catch (Exception e) {
                unavailableReason = e.getMessage();
                if (System.getenv("CI") != null) {
                    // in CI PostgreSQL is installed by ./vrouter test: not having it is a failure, not a skip
                    throw new IllegalStateException("PostgreSQL is required in CI: " + unavailableReason, e);
                }
            }
        }
        return Optional.ofNullable(shared);
    }

    public static synchronized String unavailableReason() {
        return unavailableReason;
    }

    private static PostgresServer start() throws IOException, InterruptedException {
        Path bin = findBinDir().orElseThrow(() -> new IllegalStateException(
                "no PostgreSQL server binaries under /usr/lib/postgresql (Debian package postgresql; ./vrouter test installs it)"));
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("vrouter-pg-");
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        int port = freePort();
        PostgresServer server = new PostgresServer(bin, dir, port, root);
        server.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
        server.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                "-l", dir.resolve("server.log").toString(),
                "-o", "-p " + port + " -h 127.0.0.1 -k " + dir + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                "start"));
        return server;
    }

    private static Optional<Path> findBinDir() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(Path::toString));
        }
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full, true);
    }

    private static void run(List<String> command, boolean showOutput) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' failed" + (showOutput ? ": " + output : ""));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * An empty database on the JVM's cluster (its JDBC URL), or the calling test skipped with the reason where
     * PostgreSQL cannot run here.
     */
    public static String newDatabaseOrSkip() {
        PostgresServer pg = shared().orElse(null);
        Assumptions.assumeTrue(pg != null, () -> "PostgreSQL tests skipped: " + unavailableReason());
        return pg.newDatabase();
    }

    /** Creates an empty database and returns its JDBC URL (user postgres, no password). */
    public String newDatabase() {
        String name = "vrouter_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return jdbcUrl(name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    private void stop() {
        try {
            run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        } catch (Exception e) {
            System.err.println("could not stop the test PostgreSQL cluster in " + dataDir + ": " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dataDir + ": " + e.getMessage());
        }
    }
}
