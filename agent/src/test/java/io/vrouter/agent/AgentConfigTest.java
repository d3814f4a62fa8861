package io.vrouter.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("agent.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void defaultsFillTheGaps() throws IOException {
        AgentConfig config = AgentConfig.load(write("{\"secret\":\"0123456789abcdef\"}"));
        assertThat(config.port()).isEqualTo(7272);
        assertThat(config.listenAddress()).isEqualTo("0.0.0.0");
        assertThat(config.dataplane()).isEqualTo("linux");
        assertThat(config.logLevel()).isEqualTo("info");
        assertThat(config.cleanOnStop()).isFalse();
    }

    @Test
    void shortSecretIsRejectedNamingTheFile() throws IOException {
        Path file = write("{\"secret\":\"short\"}");
        assertThatThrownBy(() -> AgentConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent config " + file + ": secret must be at least 16 characters");
    }

    @Test
    void unknownDataplaneIsRejected() throws IOException {
        Path file = write("{\"secret\":\"0123456789abcdef\",\"dataplane\":\"ebpf\"}");
        assertThatThrownBy(() -> AgentConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("agent config " + file + ": dataplane 'ebpf' is not one of");
    }

    @Test
    void badListenAddressIsRejected() throws IOException {
        Path file = write("{\"secret\":\"0123456789abcdef\",\"listenAddress\":\"mgmt0\"}");
        assertThatThrownBy(() -> AgentConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent config " + file + ": listenAddress 'mgmt0' is not an IPv4 address");
    }
}
