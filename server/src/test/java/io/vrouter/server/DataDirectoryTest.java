package io.vrouter.server;

import io.vrouter.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The data directory holds the database (agent secrets, hashes) and the admin password: only the node's user reads it. */
class DataDirectoryTest {

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void afterTheFirstStartTheDirectoryIs0700AndEveryFileIn0600() throws IOException {
        Path parent = Files.createTempDirectory("vrouter-modes-");
        Path dataDir = parent.resolve("data"); // not there yet: the node creates it
        try {
            try (ManagementNode node = new ManagementNode(new NodeOptions("127.0.0.1", 0, dataDir, null, null, null, null),
                    new MutableClock(), new io.vrouter.agent.http.InProcessAgentHost())) {
                node.start();
                assertThat(mode(dataDir)).isEqualTo("rwx------");
                List<Path> files;
                try (Stream<Path> list = Files.list(dataDir)) {
                    files = list.filter(Files::isRegularFile).toList();
                }
                assertThat(files).extracting(p -> p.getFileName().toString()).contains("admin-password", "vrouter.mv.db");
                for (Path file : files) {
                    assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
                }
            }
            // an existing directory left open by someone is narrowed at the next start
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dataDir.resolve("vrouter.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
            try (ManagementNode node = new ManagementNode(new NodeOptions("127.0.0.1", 0, dataDir, null, null, null, null),
                    new MutableClock(), new io.vrouter.agent.http.InProcessAgentHost())) {
                assertThat(mode(dataDir)).isEqualTo("rwx------");
                assertThat(mode(dataDir.resolve("vrouter.mv.db"))).isEqualTo("rw-------");
            }
        } finally {
            try (Stream<Path> all = Files.walk(parent)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
