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
        AgentConfig config = AgentConfig.load(write("{\"secret\":\"0123456789abcdef\",\"tls\":{\"key\":\"k\","
                + "\"certificate\":\"c\",\"authority\":\"a\"}}"));
        assertThat(config.port()).isEqualTo(7272);
        assertThat(config.listenAddress()).isEqualTo("0.0.0.0");
        assertThat(config.dataplane()).isEqualTo("linux");
        assertThat(config.logLevel()).isEqualTo("info");
        assertThat(config.cleanOnStop()).isFalse();
        assertThat(config.managementNodeAddresses()).isEmpty();
    }

    @Test
    void tlsIsRequiredUnlessALabAsksForPlainHttp() throws IOException {
        Path file = write("{\"secret\":\"0123456789abcdef\"}");
        assertThatThrownBy(() -> AgentConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("agent config " + file + ": tls (key, certificate and authority files) is required");
        assertThat(AgentConfig.load(write("{\"secret\":\"0123456789abcdef\",\"plainHttp\":true}")).tls()).isNull();
    }

    @Test
    void managementNodeAddressesMustBeAddressesOrSubnets() throws IOException {
        Path file = write("{\"secret\":\"0123456789abcdef\",\"plainHttp\":true,\"managementNodeAddresses\":[\"node1\"]}");
        assertThatThrownBy(() -> AgentConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent config " + file + ": managementNodeAddresses: 'node1' is not an IPv4 address or CIDR");
    }

    @Test
    void shortSecretIsRejectedNamingTheFile() throws IOException {
        Path file = write("{\"secret\":\"short\",\"plainHttp\":true}");
        assertThatThrownBy(() -> AgentConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent config " + file + ": secret must be at least 16 characters");
    }

    @Test
    void unknownDataplaneIsRejected() throws IOException {
        Path file = write("{\"secret\":\"0123456789abcdef\",\"dataplane\":\"ebpf\",\"plainHttp\":true}");
        assertThatThrownBy(() -> AgentConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("agent config " + file + ": dataplane 'ebpf' is not one of");
    }

    @Test
    void badListenAddressIsRejected() throws IOException {
        Path file = write("{\"secret\":\"0123456789abcdef\",\"listenAddress\":\"mgmt0\",\"plainHttp\":true}");
        assertThatThrownBy(() -> AgentConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent config " + file + ": listenAddress 'mgmt0' is not an IPv4 address");
    }
}
