package io.vrouter.server.hypervisor.netns;

import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code AddNetnsHost} through the API: a Netns host is this machine, and it must be able to run VMs. */
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
    void managementIpOfAnotherMachine_refused() {
        Assumptions.assumeTrue(NetnsHostConnector.onPath("ip"), "needs iproute2 to list this machine's addresses");
        String cluster = infra.cluster(infra.zone(), "Netns");
        Infra.assertError(api.call("AddNetnsHost", Map.of("name", "h", "clusterUuid", cluster, "managementIp", "192.0.2.254")), 400,
                "SYS.1007", "managementIp 192.0.2.254 is not an address of this machine; a Netns host is the machine the"
                        + " management node runs on (use 127.0.0.1 or one of its addresses)");
    }

    @Test
    void netnsHostOnThisMachine_connectedWhenItCanRunVms_elseRefusedNamingWhatIsMissing() {
        String cluster = infra.cluster(infra.zone(), "Netns");
        String problems = new NetnsHostConnector().problems();
        ApiReply reply = api.call("AddNetnsHost", Map.of("name", "h", "clusterUuid", cluster, "managementIp", "127.0.0.1"));
        if (problems == null) {
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.inventory().get("hypervisorType").asText()).isEqualTo("Netns");
            assertThat(reply.inventory().get("status").asText()).isEqualTo("Connected");
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
