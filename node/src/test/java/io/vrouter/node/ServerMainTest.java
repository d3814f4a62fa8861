package io.vrouter.node;

import io.vrouter.server.NodeOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerMainTest {
    @Test
    void parsesEveryOption() {
        NodeOptions o = ServerMain.parse("--port", "9090", "--data-dir", "/tmp/x", "--db", "jdbc:postgresql://h/db",
                "--host", "0.0.0.0", "--admin-password", "pw");
        assertThat(o.port()).isEqualTo(9090);
        assertThat(o.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.dbUrl()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.adminPassword()).isEqualTo("pw");
    }

    @Test
    void defaultsToLoopbackOn8080() {
        NodeOptions o = ServerMain.parse();
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(NodeOptions.DEFAULT_PORT);
    }

    @Test
    void refusesBadOptionsWithAReason() {
        assertThatThrownBy(() -> ServerMain.parse("--port", "http")).hasMessageContaining("'http' is not an int");
        assertThatThrownBy(() -> ServerMain.parse("--port", "70000")).hasMessage("--port 70000 is outside 0-65535");
        assertThatThrownBy(() -> ServerMain.parse("--bogus")).hasMessageContaining("Unknown option: '--bogus'");
        assertThatThrownBy(() -> ServerMain.parse("--db")).hasMessageContaining("Missing required parameter for option '--db'");
        assertThatThrownBy(() -> ServerMain.parse("--admin-password", "")).hasMessage("the admin password must not be empty");
    }

    @Test
    void helpPrintsUsageOnStdoutAndExitsZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new ServerMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("--help");
        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("Usage: vrouter server").contains("--data-dir=DIR", "--admin-password");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aBadFlagExitsTwoWithTheReasonOnStderr() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new ServerMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("--port", "70000");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("--port 70000 is outside 0-65535").contains("Usage: vrouter server");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void theAdminPasswordComesFromAFileAndHelpSaysWhyNotTheFlag(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        java.nio.file.Files.writeString(file, "s3cret with spaces\n");
        assertThat(ServerMain.parse("--admin-password-file", file.toString()).adminPassword()).isEqualTo("s3cret with spaces");
        java.nio.file.Files.writeString(file, "");
        assertThatThrownBy(() -> ServerMain.parse("--admin-password-file", file.toString()))
                .hasMessage("--admin-password-file " + file + " is empty");
        assertThatThrownBy(() -> ServerMain.parse("--admin-password-file", dir.resolve("none").toString()))
                .hasMessageStartingWith("--admin-password-file " + dir.resolve("none") + " cannot be read");
        StringWriter out = new StringWriter();
        new CommandLine(new ServerMain()).setOut(new PrintWriter(out)).execute("--help");
        assertThat(out.toString()).contains("--admin-password-file=FILE").contains("/proc/<pid>/cmdline")
                .contains("VROUTER_ADMIN_PASSWORD");
    }
}
