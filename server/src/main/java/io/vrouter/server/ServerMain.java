package io.vrouter.server;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./vrouter server [--host 127.0.0.1] [--port 8080] [--data-dir DIR] [--db JDBC_URL] [--db-user U]
 * [--db-password P] [--admin-password P]}. Prints one line with the URL when ready; stops cleanly on SIGTERM.
 */
public final class ServerMain {
    private ServerMain() {
    }

    public static void main(String[] args) {
        NodeOptions options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("vrouter server: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        ManagementNode node;
        try {
            node = new ManagementNode(options, Clock.SYSTEM);
        } catch (RuntimeException e) {
            System.err.println("vrouter server: cannot start: " + e.getMessage());
            System.exit(1);
            return;
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
    }

    static final String USAGE = "usage: vrouter server [--host ADDR] [--port 8080] [--data-dir DIR] [--db JDBC_URL]"
            + " [--db-user USER] [--db-password PASSWORD] [--admin-password PASSWORD]";

    static NodeOptions parse(String[] args) {
        String host = "127.0.0.1";
        int port = NodeOptions.DEFAULT_PORT;
        Path dataDir = Path.of(System.getProperty("user.home"), ".vrouter");
        String db = null;
        String dbUser = null;
        String dbPassword = null;
        String adminPassword = System.getenv("VROUTER_ADMIN_PASSWORD");
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                throw new IllegalArgumentException("help");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--host" -> host = value;
                case "--port" -> {
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port " + value + " is not a number");
                    }
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("--port " + value + " is outside 0-65535");
                    }
                }
                case "--data-dir" -> dataDir = Path.of(value);
                case "--db" -> db = value;
                case "--db-user" -> dbUser = value;
                case "--db-password" -> dbPassword = value;
                case "--admin-password" -> adminPassword = value;
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (adminPassword != null && adminPassword.isEmpty()) {
            throw new IllegalArgumentException("the admin password must not be empty");
        }
        return new NodeOptions(host, port, dataDir, db, dbUser, dbPassword, adminPassword);
    }
}
