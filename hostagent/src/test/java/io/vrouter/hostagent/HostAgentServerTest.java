package io.vrouter.hostagent;

import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.hostagent.HeartbeatCmd;
import io.vrouter.agent.protocol.hostagent.HeartbeatReply;
import io.vrouter.agent.protocol.hostagent.HostAgentPaths;
import io.vrouter.agent.protocol.hostagent.HostAgentReply;
import io.vrouter.agent.protocol.hostagent.L2TO;
import io.vrouter.agent.protocol.hostagent.NicTO;
import io.vrouter.agent.protocol.hostagent.PingCmd;
import io.vrouter.agent.protocol.hostagent.PingReply;
import io.vrouter.agent.protocol.hostagent.ProbeCmd;
import io.vrouter.agent.protocol.hostagent.ProbeReply;
import io.vrouter.agent.protocol.hostagent.VmCmd;
import io.vrouter.agent.protocol.hostagent.VmTO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The host agent over HTTP: a call without the host's secret, or with another, gets 401 and changes nothing on the
 * host (no name prefix chosen, no file written); a body that is not the command gets 400; the secret opens the door.
 */
class HostAgentServerTest {
    private static final String SECRET = "s3cret-of-this-host-0123456789";
    private static final VmTO VM = new VmTO("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "vm", false, List.of(new NicTO("a1000000000000000000000000000000", 0,
            "fa:16:3e:00:00:09", new L2TO("11111111111111111111111111111111", L2TO.NO_VLAN, "eth0", null), null, null, null, true)), null);
    private HostAgent agent;
    private HostAgentServer server;
    private Path workDir;

    @BeforeEach
    void start(@TempDir Path dir) {
        workDir = dir.resolve("netns");
        agent = new HostAgent(new HostAgentSettings(workDir, null, Duration.ofSeconds(5), null, false, false));
        server = HostAgentServer.start(agent, SECRET, "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
        agent.close();
    }

    private AgentClient client(String secret) {
        return AgentClient.create("http://127.0.0.1:" + server.port(), secret, Duration.ofSeconds(10));
    }

    @Test
    void withoutTheSecret_401_andNothingChangesOnTheHost() throws Exception {
        HttpResponse<String> none = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + HostAgentPaths.VM_START))
                .POST(HttpRequest.BodyPublishers.ofString("{\"vm\":{\"uuid\":\"x\",\"nics\":[]}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("needs the host's secret");

        assertThatThrownBy(() -> client("another-secret-of-the-same-len").call(HostAgentPaths.VM_START, new VmCmd(VM), HostAgentReply.class))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.isUnauthorized()).isTrue());
        assertThatThrownBy(() -> client("another-secret-of-the-same-len").call(HostAgentPaths.VM_PREPARE, new VmCmd(VM), HostAgentReply.class))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.isUnauthorized()).isTrue());
        assertThat(workDir).as("no prefix chosen, no VM directory").doesNotExist();
    }

    @Test
    void withTheSecret_answers_andABodyThatIsNotTheCommandIs400() {
        PingReply ping = client(SECRET).call(HostAgentPaths.PING, new PingCmd("h"), PingReply.class);
        assertThat(ping.agentUuid()).isEqualTo(agent.agentUuid());
        assertThatThrownBy(() -> client(SECRET).call(HostAgentPaths.VM_START, List.of(1, 2), HostAgentReply.class))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        assertThat(Files.exists(workDir.resolve("vms"))).isFalse();
    }

    @Test
    void probe_namesTheAddressesThatAnswer_heartbeat_reportsNothingFenced_andTooManyAddressesIs400() {
        // 127.0.0.1 answers an echo (as root) or refuses the TCP echo port (otherwise): reached either way;
        // 198.51.100.77 (TEST-NET-2) answers nobody
        ProbeReply probe = client(SECRET).call(HostAgentPaths.PROBE, new ProbeCmd(List.of("127.0.0.1", "198.51.100.77"), 500),
                ProbeReply.class);
        assertThat(probe.answered()).containsExactly("127.0.0.1");
        HeartbeatReply beat = client(SECRET).call(HostAgentPaths.HEARTBEAT, new HeartbeatCmd("h", List.of("198.51.100.77"), 5),
                HeartbeatReply.class);
        assertThat(beat.agentUuid()).isEqualTo(agent.agentUuid());
        assertThat(beat.fenced()).isEmpty();
        List<String> many = java.util.stream.IntStream.range(0, 65).mapToObj(i -> "192.0.2." + i).toList();
        assertThatThrownBy(() -> client(SECRET).call(HostAgentPaths.PROBE, new ProbeCmd(many, 100), ProbeReply.class))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
    }
}
