package io.vrouter.server.vm;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.server.db.Database;
import io.vrouter.server.hypervisor.simulator.SimulatorHypervisor;
import io.vrouter.server.task.FlowJournal;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node caught in the middle of CreateVmInstance (its hypervisor call held by the Simulator) is taken for dead by a
 * second node started on the same database, as the next start after a crash would be: the second node undoes, from
 * the flow journal alone, every step the first recorded, the VM's own and those of the router created for it.
 */
class CreateCrashRecoveryTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aVmCreationCaughtAtTheHypervisor_isUndoneByTheNextNode_andTheRouterMadeBeforeStays() throws Exception {
        try (TestNode first = TestNode.start(TestDatabase.H2)) {
            RouterFixture f = new RouterFixture(first.admin(), 71);
            String whole = f.userVm("whole", f.guestL3).get("uuid").asText();
            String router = f.routersOn(f.guestL3).get(0).get("uuid").asText();
            int usedIpsBefore = count(first, "used_ip");

            SimulatorHypervisor.Hold hold = first.node().simulator().holdNext("start", "half");
            CompletableFuture<JsonNode> create = CompletableFuture.supplyAsync(() -> f.userVm("half", f.guestL3));
            try {
                assertThat(hold.awaitReached(Duration.ofSeconds(60))).as("the creation reached the hypervisor").isTrue();
                assertThat(first.node().flowJournal().pending()).extracting(FlowJournal.PendingUndo::stepName)
                        .containsExactly("start on hypervisor", "prepare on hypervisor", "allocate nics", "write vm record");
                String half = vmNamed(first.admin(), "half").get("uuid").asText();

                try (TestNode next = TestNode.startOn(Database.h2FileUrl(first.dataDir()))) {
                    ApiClient api = next.admin();
                    assertThat(vmNamed(api, "half")).as("the half-created VM").isNull();
                    assertThat(count(next, "vm_nic where vm_instance_uuid = '" + half + "'")).isZero();
                    assertThat(count(next, "volume where vm_instance_uuid = '" + half + "'")).isZero();
                    assertThat(count(next, "used_ip")).as("its address released").isEqualTo(usedIpsBefore);
                    assertThat(next.node().flowJournal().pending()).isEmpty();
                    // what was whole before stays whole
                    assertThat(vmNamed(api, "whole").get("uuid").asText()).isEqualTo(whole);
                    assertThat(vmNamed(api, "whole").get("vmNics")).hasSize(1);
                    assertThat(new RouterFixture.Reader(api).routersOn(f.guestL3)).extracting(r -> r.get("uuid").asText())
                            .containsExactly(router);
                }
            } finally {
                hold.release();
                create.handle((vm, failure) -> null).get(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aRouterCreationCaughtWhileStartingItsVm_isUndoneWithTheVmItWasCreatedFor_andTheNextVmGetsARouter() throws Exception {
        try (TestNode first = TestNode.start(TestDatabase.H2)) {
            RouterFixture f = new RouterFixture(first.admin(), 72);
            int usedIpsBefore = count(first, "used_ip");
            SimulatorHypervisor.Hold hold = first.node().simulator().holdNext("start", "virtualRouter.l3." + f.guestL3);
            CompletableFuture<JsonNode> create = CompletableFuture.supplyAsync(() -> f.userVm("guest", f.guestL3));
            try {
                assertThat(hold.awaitReached(Duration.ofSeconds(60))).as("the router's start reached the hypervisor").isTrue();
                // newest run first: the router's start, the router's creation, the guest's creation
                assertThat(first.node().flowJournal().pending()).extracting(p -> p.chainName().split(" ")[0] + ": " + p.stepName())
                        .containsExactly("start-vm: start on hypervisor", "start-vm: prepare on hypervisor",
                                "create-vr: create router vm", "create-vr: claim guest L3",
                                "create-vm: prepare on hypervisor", "create-vm: allocate nics", "create-vm: write vm record");

                try (TestNode next = TestNode.startOn(Database.h2FileUrl(first.dataDir()))) {
                    ApiClient api = next.admin();
                    assertThat(vmNamed(api, "guest")).isNull();
                    assertThat(new RouterFixture.Reader(api).routersOn(f.guestL3)).isEmpty();
                    assertThat(count(next, "vm_instance")).isZero();
                    assertThat(count(next, "vm_nic")).isZero();
                    assertThat(count(next, "virtual_router_guest_l3")).as("the L3's claim").isZero();
                    assertThat(count(next, "used_ip")).as("the gateway and the guest's address released").isEqualTo(usedIpsBefore);
                    assertThat(next.node().flowJournal().pending()).isEmpty();

                    // the L3 is free for a router again, with its gateway address
                    JsonNode vm = new Infra(api).vm("after", f.userOffering, f.userImage, List.of(f.guestL3));
                    assertThat(vm.get("state").asText()).isEqualTo("Running");
                    JsonNode newRouter = new RouterFixture.Reader(api).routersOn(f.guestL3).get(0);
                    assertThat(newRouter.get("status").asText()).isEqualTo("Connected");
                }
            } finally {
                hold.release();
                create.handle((vm, failure) -> null).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static int count(TestNode node, String tableAndCondition) {
        return ((Number) node.node().database().dsl().fetchValue("select count(*) from " + tableAndCondition)).intValue();
    }

    private static JsonNode vmNamed(ApiClient api, String name) {
        JsonNode found = api.ok("QueryVmInstance", Map.of("conditions", List.of(Map.of("name", "name", "op", "=", "value", name))))
                .get("inventories");
        return found.isEmpty() ? null : found.get(0);
    }
}
