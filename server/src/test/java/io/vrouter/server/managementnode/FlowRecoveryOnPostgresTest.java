package io.vrouter.server.managementnode;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.server.hypervisor.simulator.SimulatorHypervisor;
import io.vrouter.server.testing.PostgresServer;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two management nodes on one PostgreSQL database: a VM creation held in the middle on the first (its hypervisor call
 * held by the Simulator) is NOT undone by the second node starting meanwhile, since the first is alive (its
 * heartbeat is fresh); once the first stops heartbeating as a killed node would, the second's periodic recovery
 * undoes the run from the flow journal.
 */
class FlowRecoveryOnPostgresTest {
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aLiveNodesFlowIsLeftAlone_andUndoneOnceThatNodeIsGone() throws Exception {
        String url = PostgresServer.newDatabaseOrSkip();
        try (TestNode first = TestNode.startOn(url)) {
            var configs = first.node().globalConfigs();
            configs.update(MembershipSettings.CATEGORY, MembershipSettings.HEARTBEAT_INTERVAL, "1");
            configs.update(MembershipSettings.CATEGORY, MembershipSettings.HEARTBEAT_TIMEOUT, "2");
            RouterFixture f = new RouterFixture(first.admin(), 74);
            f.userVm("whole", f.guestL3);
            SimulatorHypervisor.Hold hold = first.node().simulator().holdNext("start", "half");
            CompletableFuture<JsonNode> create = CompletableFuture.supplyAsync(() -> f.userVm("half", f.guestL3));
            try {
                assertThat(hold.awaitReached(Duration.ofSeconds(60))).as("the creation reached the hypervisor").isTrue();
                try (TestNode second = TestNode.startOn(url, first)) {
                    ApiClient api = second.admin();
                    assertThat(vmNamed(api, "half")).as("the live node's VM, mid-creation, untouched at the second's start")
                            .isNotNull();
                    Thread.sleep(3_000); // longer than the heartbeat timeout: the first node still beats
                    assertThat(vmNamed(api, "half")).as("still untouched while its node lives").isNotNull();
                    assertThat(second.node().flowJournal().pending()).as("its run still recorded").isNotEmpty();

                    first.node().managementNodes().haltAsIfKilled();
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        assertThat(vmNamed(api, "half")).as("undone once its node is gone").isNull();
                        assertThat(second.node().flowJournal().pending()).isEmpty();
                    });
                    assertThat(vmNamed(api, "whole")).as("what was whole stays").isNotNull();
                }
            } finally {
                hold.release();
                create.handle((vm, failure) -> null).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static JsonNode vmNamed(ApiClient api, String name) {
        List<JsonNode> found = api.query("QueryVmInstance", "name", "=", name);
        return found.isEmpty() ? null : found.get(0);
    }
}
