package io.vrouter.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerMainTest {
    @Test
    void parsesEveryOption() {
        NodeOptions o = ServerMain.parse(new String[]{"--port", "9090", "--data-dir", "/tmp/x", "--db", "jdbc:postgresql://h/db",
                "--host", "0.0.0.0", "--admin-password", "pw"});
        assertThat(o.port()).isEqualTo(9090);
        assertThat(o.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.dbUrl()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.adminPassword()).isEqualTo("pw");
    }

    @Test
    void refusesBadOptionsWithAReason() {
        assertThatThrownBy(() -> ServerMain.parse(new String[]{"--port", "http"})).hasMessage("--port http is not a number");
        assertThatThrownBy(() -> ServerMain.parse(new String[]{"--port", "70000"})).hasMessage("--port 70000 is outside 0-65535");
        assertThatThrownBy(() -> ServerMain.parse(new String[]{"--bogus", "1"})).hasMessage("unknown option --bogus");
        assertThatThrownBy(() -> ServerMain.parse(new String[]{"--db"})).hasMessage("--db needs a value");
    }

    @Test
    void theAdminPasswordComesFromAFileAndHelpSaysWhyNotTheFlag(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        java.nio.file.Files.writeString(file, "s3cret with spaces\n");
        assertThat(ServerMain.parse(new String[]{"--admin-password-file", file.toString()}).adminPassword())
                .isEqualTo("s3cret with spaces");
        java.nio.file.Files.writeString(file, "");
        assertThatThrownBy(() -> ServerMain.parse(new String[]{"--admin-password-file", file.toString()}))
                .hasMessage("--admin-password-file " + file + " is empty");
        assertThatThrownBy(() -> ServerMain.parse(new String[]{"--admin-password-file", dir.resolve("none").toString()}))
                .hasMessageStartingWith("--admin-password-file " + dir.resolve("none") + " cannot be read");
        assertThat(ServerMain.USAGE).contains("--admin-password-file FILE").contains("/proc/<pid>/cmdline")
                .contains("VROUTER_ADMIN_PASSWORD");
    }
}
