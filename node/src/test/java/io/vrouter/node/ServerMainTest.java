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
}
