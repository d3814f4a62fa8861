package io.vrouter.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentIdentity;
import io.vrouter.agent.core.Samples;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.AgentException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class AgentHostTest {

    private static final AgentIdentity OLD_AGENT = new AgentIdentity("0.0.9", "0123456789abcdef0123456789abcdef");

    private final HttpClient http = HttpClient.newHttpClient();
    private AgentHost host;
    private final List<RecordingDataplane> dataplanes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        host = AgentHost.start("127.0.0.1", 0, 16);
        for (int i = 0; i < 3; i++) {
            RecordingDataplane dataplane = new RecordingDataplane();
            dataplanes.add(dataplane);
            host.mount("vr-" + i, new Agent("vr-" + i, "secret-" + i, dataplane, OLD_AGENT));
        }
    }

    @AfterEach
    void tearDown() {
        host.close();
    }

    private AgentClient client(int i) {
        return new AgentClient(http, host.baseUrl("vr-" + i), "secret-" + i, Duration.ofSeconds(5));
    }

    @Test
    void eachMountedAgentHasItsOwnState() {
        client(0).configureNics(Samples.nics());
        client(0).createVips(List.of(Samples.vip(20)));
        client(1).configureNics(List.of(Samples.guestNic()));

        assertThat(client(0).status().vips()).containsExactly(Samples.vip(20));
        assertThat(client(1).status().vips()).isEmpty();
        assertThat(client(1).status().nics()).containsExactly(Samples.guestNic());
        assertThat(dataplanes.get(0).commandPaths()).containsExactly("/configurenic", "/createvip");
    }

    @Test
    void echoAndPingCarryTheInjectedIdentity() {
        assertThat(client(2).echo().md5()).isEqualTo(OLD_AGENT.md5());
        assertThat(client(2).ping("x").version()).isEqualTo("0.0.9");
    }

    @Test
    void wrongSecretFailsWith401NamingTheAgent() {
        AgentClient wrong = new AgentClient(http, host.baseUrl("vr-1"), "secret-0", Duration.ofSeconds(5));
        assertThatThrownBy(() -> wrong.configureNics(Samples.nics()))
                .isInstanceOf(AgentException.class)
                .hasMessageMatching("agent http://127\\.0\\.0\\.1:\\d+/agents/vr-1/configurenic failed after \\d+ ms"
                        + " \\(HTTP 401\\): agent vr-1: /configurenic needs header Authorization: Bearer <the agent's secret>")
                .satisfies(e -> assertThat(((AgentException) e).isUnauthorized()).isTrue());
        assertThat(dataplanes.get(1).applyCount()).isZero();
    }

    @Test
    void invalidCommandFailsWithTheAgentsError() {
        client(0).configureNics(Samples.nics());
        assertThatThrownBy(() -> client(0).createPortForwarding(List.of(Samples.pf("r", "ICMP", 1, 1, 1, 1, null))))
                .isInstanceOf(AgentException.class)
                .hasMessageEndingWith("(HTTP 400): /createportforwarding: rules[0].protocolType: unknown protocol"
                        + " 'ICMP' (TCP or UDP)");
    }

    @Test
    void unmountedAgentIs404() {
        host.unmount("vr-2");
        assertThatThrownBy(() -> client(2).echo())
                .isInstanceOf(AgentException.class)
                .hasMessageEndingWith("(HTTP 404): no agent 'vr-2' is mounted here");
    }

    @Test
    void unreachableAgentFailsNamingUrlAndElapsedTime() {
        int port = host.port();
        host.close();
        AgentClient client = new AgentClient(http, "http://127.0.0.1:" + port + "/agents/vr-0", "s",
                Duration.ofSeconds(2));
        assertThatThrownBy(client::echo)
                .isInstanceOf(AgentException.class)
                .hasMessageMatching("agent http://127\\.0\\.0\\.1:" + port
                        + "/agents/vr-0/echo failed after \\d+ ms: unreachable: .*");
        host = AgentHost.start("127.0.0.1", 0, 8);
    }

    @Test
    @Timeout(120)
    void aThousandAgentsShareOneServer() {
        HttpClient shared = AgentClient.newHttpClient(Duration.ofSeconds(10));
        List<CompletableFuture<?>> calls = new ArrayList<>();
        List<RecordingDataplane> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            RecordingDataplane dataplane = new RecordingDataplane(16);
            many.add(dataplane);
            host.mount("sim-" + i, new Agent("sim-" + i, "secret-sim-" + i, dataplane, OLD_AGENT));
        }
        for (int i = 0; i < 1000; i++) {
            AgentClient client = new AgentClient(shared, host.baseUrl("sim-" + i), "secret-sim-" + i,
                    Duration.ofSeconds(60));
            calls.add(client.callAsync("/configurenic", new io.vrouter.agent.protocol.NicsCmd(Samples.nics()),
                    Object.class));
        }
        calls.forEach(CompletableFuture::join);
        assertThat(host.size()).isEqualTo(1003);
        assertThat(many).allSatisfy(dataplane -> assertThat(dataplane.appliedState().nics()).hasSize(2));
    }

    @Test
    @Timeout(30)
    void concurrentCommandsAreCounted() {
        RecordingDataplane dataplane = dataplanes.get(0);
        dataplane.setCommandLatency(Duration.ofMillis(300));
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(client(0).callAsync("/ping", null, io.vrouter.agent.protocol.PingReply.class));
        }
        calls.forEach(CompletableFuture::join);
        assertThat(dataplane.commandsInFlight()).isZero();
        // pings are not commands; now the same with commands
        for (int i = 0; i < 5; i++) {
            calls.add(client(0).callAsync("/configurenic",
                    new io.vrouter.agent.protocol.NicsCmd(Samples.nics()), Object.class));
        }
        calls.forEach(CompletableFuture::join);
        assertThat(dataplane.maxCommandsInFlight()).isEqualTo(5);
    }
}
