package io.vrouter.server.hypervisor.netns;

import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.hostagent.HostCheck;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code AddNetnsHost} through the API: the node's own machine is served by the agent the node runs; another host
 * needs its agent's secret, and a host whose agent does not answer is refused naming where the node looked.
 */
class NetnsHostApiTest {
    private static TestNode node;
    private static ApiClient api;
    private static Infra infra;

    @BeforeAll
    static void start() {
        node = TestNode.start(TestDatabase.H2);
        api = node.admin();
        infra = new Infra(api);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void anotherMachineWithoutItsAgentSecret_refusedSayingWhatToGive() {
        String cluster = infra.cluster(infra.zone(), "Netns");
        Infra.assertError(api.call("AddNetnsHost", Map.of("name", "h", "clusterUuid", cluster, "managementIp", "192.0.2.254")), 400,
                "SYS.1007", "agentSecret is required for host 192.0.2.254: give the content of the --secret-file its host agent runs"
                        + " with (only an address of the node's own machine is served by the node's agent without one)");
        assertThat(api.count("QueryHost", "managementIp", "=", "192.0.2.254")).isZero();
    }

    @Test
    void anAgentThatDoesNotAnswer_refusedNamingItsAddress_nothingWritten() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String cluster = infra.cluster(infra.zone(), "Netns");
        ApiReply reply = api.call("AddNetnsHost", Map.of("name", "h", "clusterUuid", cluster, "managementIp", "127.0.0.9",
                "agentPort", closedPort, "agentSecret", "0123456789abcdef0123456789abcdef"));
        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.errorDetails()).startsWith("cannot reach the host agent of Netns host h at https://127.0.0.9:" + closedPort);
        assertThat(api.count("QueryHost", "managementIp", "=", "127.0.0.9")).isZero();
    }

    @Test
    void netnsHostOnThisMachine_connectedWhenItCanRunVms_elseRefusedNamingWhatIsMissing() {
        String cluster = infra.cluster(infra.zone(), "Netns");
        String problems = new HostCheck().problems();
        ApiReply reply = api.call("AddNetnsHost", Map.of("name", "h", "clusterUuid", cluster, "managementIp", "127.0.0.1"));
        if (problems == null) {
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.inventory().get("hypervisorType").asText()).isEqualTo("Netns");
            assertThat(reply.inventory().get("status").asText()).isEqualTo("Connected");
            assertThat(reply.inventory().get("totalCpuCapacity").asLong()).as("the host's own CPUs, over-provisioned")
                    .isEqualTo(Runtime.getRuntime().availableProcessors() * 10L);
            assertThat(reply.inventory().get("totalMemoryCapacity").asLong()).isPositive();
        } else {
            Infra.assertError(reply, 500, "SYS.1006", "Netns host h cannot run VMs: " + problems);
        }
    }

    @Test
    void simulatorClusterRefusesANetnsHost() {
        String cluster = infra.cluster(infra.zone(), "Simulator");
        ApiReply reply = api.call("AddNetnsHost", Map.of("name", "h", "clusterUuid", cluster, "managementIp", "127.0.0.2"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errorDetails()).contains("is a Simulator cluster; a Netns host cannot join it");
    }
}
