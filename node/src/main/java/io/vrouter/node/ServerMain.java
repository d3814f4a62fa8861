package io.vrouter.node;

import io.vrouter.agent.http.InProcessAgentHost;
import io.vrouter.hostagent.InProcessHostAgent;
import io.vrouter.server.Clock;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.NodeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./vrouter server}: the management node, with the Simulator's router agents running in this JVM (the agent
 * module's {@link InProcessAgentHost}) and the host agent of this machine in it too ({@link InProcessHostAgent}: a
 * one-host Netns installation starts nothing more). Prints one line with the URL when ready; stops cleanly on SIGTERM.
 */
@Command(name = "vrouter server", mixinStandardHelpOptions = true, version = ManagementNode.VERSION,
        description = "Runs the management node.", sortOptions = false)
public final class ServerMain implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "address the API listens on (default: ${DEFAULT-VALUE})")
    private String host;

    @Option(names = "--port", defaultValue = "" + NodeOptions.DEFAULT_PORT, description = "API port, 0 for any free one (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "embedded database and generated admin password (default: ~/.vrouter)")
    private Path dataDir = Path.of(System.getProperty("user.home"), ".vrouter");

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "a PostgreSQL JDBC URL (default: the embedded H2 database in the data dir)")
    private String db;

    @Option(names = "--db-user", paramLabel = "USER")
    private String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD")
    private String dbPassword;

    @Option(names = "--admin-password-file", paramLabel = "FILE",
            description = "the admin account's password is the first line of FILE (keep it mode 0600)")
    private Path adminPasswordFile;

    @Option(names = "--admin-password", paramLabel = "PASSWORD", defaultValue = "${env:VROUTER_ADMIN_PASSWORD}",
            description = {"the admin account's password (default: $VROUTER_ADMIN_PASSWORD); visible to every local user in"
                    + " /proc/<pid>/cmdline and `ps`: prefer --admin-password-file or the environment variable",
                    "without either, the first start writes a random password to <data-dir>/admin-password (mode 0600)"})
    private String adminPassword;

    public static void main(String[] args) {
        int code = new CommandLine(new ServerMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The options {@code args} give; a bad one throws {@link ParameterException} with the reason. */
    static NodeOptions parse(String... args) {
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs(args);
        return main.options();
    }

    private NodeOptions options() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port " + port + " is outside 0-65535");
        }
        if (adminPasswordFile != null) {
            adminPassword = readPasswordFile(adminPasswordFile);
        }
        if (adminPassword != null && adminPassword.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the admin password must not be empty");
        }
        return new NodeOptions(host, port, dataDir, db, dbUser, dbPassword, adminPassword);
    }

    /** The first line of the file, without its line ending: what `echo secret > file` wrote. */
    private String readPasswordFile(Path file) {
        try (java.io.BufferedReader reader = java.nio.file.Files.newBufferedReader(file)) {
            String line = reader.readLine();
            if (line == null || line.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--admin-password-file " + file + " is empty");
            }
            return line;
        } catch (java.io.IOException e) {
            throw new ParameterException(spec.commandLine(), "--admin-password-file " + file + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        NodeOptions options = options();
        ManagementNode node;
        try {
            node = new ManagementNode(options, Clock.SYSTEM, new InProcessAgentHost(), new InProcessHostAgent());
        } catch (RuntimeException e) {
            System.err.println("vrouter server: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "shutdown"));
        String url = node.start();
        System.out.println("vrouter management node ready at " + url + " (web console at " + url + "/; data dir " + options.dataDir().toAbsolutePath()
                + ", database " + node.database().describe() + ")");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
