package io.vrouter.server;

import java.nio.file.Path;

/**
 * How a management node is started.
 *
 * @param host          address the API listens on
 * @param port          API port; 0 picks a free one (tests)
 * @param dataDir       where the embedded database and the generated admin password live
 * @param dbUrl         a JDBC URL, or null for the embedded H2 file database in the data dir
 * @param dbUser        database user when not in the URL, or null
 * @param dbPassword    database password when not in the URL, or null
 * @param adminPassword the admin account's password, or null to keep it (first start: generate one)
 */
public record NodeOptions(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                          String adminPassword) {
    public static final int DEFAULT_PORT = 8080;

    public NodeOptions withPort(int newPort) {
        return new NodeOptions(host, newPort, dataDir, dbUrl, dbUser, dbPassword, adminPassword);
    }
}
