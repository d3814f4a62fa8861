package io.vrouter.server.vm;

import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** VMs through the API on the Simulator: creation, nics, volumes, lifecycle, rollback, concurrency, queries. */
abstract class VmApiContract extends NodeContract {
    private Infra.Zone zone;
    private String guestL3;
    private String offering;
    private String image;

    @BeforeEach
    void setUp() {
        zone = infra.simulatorZone();
        guestL3 = infra.l3(zone, "guest", "10.20.0.0/24", false);
        offering = infra.offering();
        image = infra.image(false);
    }

    private JsonNode query(String api, String name, String op, String value) {
        return admin.ok(api, Map.of("conditions", List.of(Map.of("name", name, "op", op, "value", value)))).get("inventories");
    }

    @Test
    void createdVmRunsWithANicPerL3AndARootVolume() {
        String second = infra.l3(zone, "second", "10.21.0.0/24", false);
        JsonNode vm = infra.vm("web", offering, image, List.of(guestL3, second));
        assertThat(vm.get("state").asText()).isEqualTo("Running");
        assertThat(vm.get("type").asText()).isEqualTo("UserVm");
        assertThat(vm.get("hostUuid").asText()).isEqualTo(zone.hostUuid());
        assertThat(vm.get("defaultL3NetworkUuid").asText()).isEqualTo(guestL3);
        JsonNode nics = vm.get("vmNics");
        assertThat(nics).hasSize(2);
        assertThat(nics.get(0).get("l3NetworkUuid").asText()).isEqualTo(guestL3);
        assertThat(nics.get(0).get("deviceId").asInt()).isZero();
        assertThat(nics.get(0).get("ip").asText()).startsWith("10.20.0.").isNotEqualTo("10.20.0.1");
        assertThat(nics.get(0).get("gateway").asText()).isEqualTo("10.20.0.1");
        assertThat(nics.get(0).get("netmask").asText()).isEqualTo("255.255.255.0");
        assertThat(nics.get(0).get("mac").asText()).matches("fa(:[0-9a-f]{2}){5}");
        assertThat(nics.get(1).get("ip").asText()).startsWith("10.21.0.");
        assertThat(vm.get("allVolumes")).hasSize(1);
        assertThat(vm.get("allVolumes").get(0).get("type").asText()).isEqualTo("Root");
        assertThat(vm.get("rootVolumeUuid").asText()).isEqualTo(vm.get("allVolumes").get(0).get("uuid").asText());
        assertThat(node.node().simulator().vm(vm.get("uuid").asText())).get()
                .extracting(SimVm -> SimVm.state()).isEqualTo("Running");
    }

    @Test
    void lifecycleStopsStartsRebootsAndDestroysReleasingAddresses() {
        JsonNode vm = infra.vm("life", offering, image, List.of(guestL3));
        String uuid = vm.get("uuid").asText();
        String ip = vm.get("vmNics").get(0).get("ip").asText();
        assertThat(admin.ok("StopVmInstance", Map.of("uuid", uuid)).get("inventory").get("state").asText()).isEqualTo("Stopped");
        ApiReply stopAgain = admin.call("StopVmInstance", Map.of("uuid", uuid));
        assertThat(stopAgain.status()).isEqualTo(409);
        assertThat(stopAgain.errorDetails()).contains("is Stopped; StopVmInstance needs it Running");
        assertThat(admin.call("RebootVmInstance", Map.of("uuid", uuid)).status()).isEqualTo(409);
        assertThat(admin.ok("StartVmInstance", Map.of("uuid", uuid)).get("inventory").get("state").asText()).isEqualTo("Running");
        assertThat(admin.ok("RebootVmInstance", Map.of("uuid", uuid)).get("inventory").get("state").asText()).isEqualTo("Running");
        admin.ok("DestroyVmInstance", Map.of("uuid", uuid));
        assertThat(query("QueryVmInstance", "uuid", "=", uuid)).isEmpty();
        // the address is free on this test's L3 (other tests' L3s of the class's node share its CIDR)
        JsonNode nicsWithTheAddress = admin.ok("QueryVmNic", Map.of("conditions", List.of(
                Map.of("name", "ip", "op", "=", "value", ip),
                Map.of("name", "l3NetworkUuid", "op", "=", "value", guestL3)))).get("inventories");
        assertThat(nicsWithTheAddress).isEmpty();
        assertThat(query("QueryVmNic", "vmInstanceUuid", "=", uuid)).isEmpty();
        assertThat(node.node().simulator().vm(uuid)).isEmpty();
        assertThat(admin.call("StartVmInstance", Map.of("uuid", uuid)).status()).isEqualTo(404);
    }

    @Test
    void startRefusesAVmWithoutItsNicsOrRootVolume_withItsOwnErrorCode_andLeavesItAsItWas() {
        // what a creation cut short by a crash could leave (made by hand here): a VM row without nics or volume
        String noNic = admin.ok("CreateVmInstance", Map.of("name", "no-nic", "instanceOfferingUuid", offering, "imageUuid", image,
                "l3NetworkUuids", List.of(guestL3), "strategy", "CreateStopped")).get("inventory").get("uuid").asText();
        String noVolume = admin.ok("CreateVmInstance", Map.of("name", "no-volume", "instanceOfferingUuid", offering, "imageUuid", image,
                "l3NetworkUuids", List.of(guestL3), "strategy", "CreateStopped")).get("inventory").get("uuid").asText();
        var dsl = node.node().database().dsl();
        dsl.execute("delete from vm_nic where vm_instance_uuid = ?", noNic);
        dsl.execute("delete from volume where vm_instance_uuid = ?", noVolume);

        ApiReply refused = admin.call("StartVmInstance", Map.of("uuid", noNic));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo("VM.1100");
        assertThat(refused.errorDetails()).contains("no-nic").contains("has no nic").contains("destroy it");
        ApiReply refusedToo = admin.call("StartVmInstance", Map.of("uuid", noVolume));
        assertThat(refusedToo.errorCode()).isEqualTo("VM.1100");
        assertThat(refusedToo.errorDetails()).contains("has no root volume");
        for (String uuid : List.of(noNic, noVolume)) {
            assertThat(query("QueryVmInstance", "uuid", "=", uuid).get(0).get("state").asText()).isEqualTo("Created");
            assertThat(node.node().simulator().vm(uuid)).isEmpty();
            admin.ok("DestroyVmInstance", Map.of("uuid", uuid));
        }
    }

    @Test
    void aHypervisorFailureRollsBackEverything() {
        node.node().simulator().failNext("start", "doomed");
        long nicsBefore = admin.ok("QueryVmNic", Map.of("count", true)).get("total").asLong();
        ApiReply r = admin.call("CreateVmInstance", Map.of("name", "doomed", "instanceOfferingUuid", offering,
                "imageUuid", image, "l3NetworkUuids", List.of(guestL3)));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.errorCode()).isEqualTo("SYS.1006");
        assertThat(r.errorDetails()).contains("simulated failure: start of VM doomed");
        assertThat(query("QueryVmInstance", "name", "=", "doomed")).isEmpty();
        assertThat(admin.ok("QueryVmNic", Map.of("count", true)).get("total").asLong()).isEqualTo(nicsBefore);
        assertThat(query("QueryVolume", "name", "=", "ROOT-for-doomed")).isEmpty();
    }

    @Test
    void userVmsRefuseSystemImagesAndNetworksAndBadInput() {
        String systemL3 = infra.l3(zone, "mgmt", "10.22.0.0/24", true);
        String systemImage = infra.image(true);
        ApiReply l3 = admin.call("CreateVmInstance", Map.of("name", "x", "instanceOfferingUuid", offering, "imageUuid", image,
                "l3NetworkUuids", List.of(systemL3)));
        assertThat(l3.status()).isEqualTo(400);
        assertThat(l3.errorDetails()).isEqualTo("L3 network " + systemL3 + " is a system network; user VMs cannot use it");
        ApiReply img = admin.call("CreateVmInstance", Map.of("name", "x", "instanceOfferingUuid", offering, "imageUuid", systemImage,
                "l3NetworkUuids", List.of(guestL3)));
        assertThat(img.errorDetails()).contains("is a system image");
        ApiReply twice = admin.call("CreateVmInstance", Map.of("name", "x", "instanceOfferingUuid", offering, "imageUuid", image,
                "l3NetworkUuids", List.of(guestL3, guestL3)));
        assertThat(twice.errorDetails()).contains("is listed twice");
        ApiReply defaultL3 = admin.call("CreateVmInstance", Map.of("name", "x", "instanceOfferingUuid", offering, "imageUuid", image,
                "l3NetworkUuids", List.of(guestL3), "defaultL3NetworkUuid", systemL3));
        assertThat(defaultL3.errorDetails()).contains("is not one of l3NetworkUuids");
        ApiReply missing = admin.call("CreateVmInstance", Map.of("name", "x", "instanceOfferingUuid", "0123456789abcdef0123456789abcdef",
                "imageUuid", image, "l3NetworkUuids", List.of(guestL3)));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(query("QueryVmInstance", "name", "=", "x")).isEmpty();
    }

    @Test
    void createStoppedLeavesTheVmCreatedAndStartRunsIt() {
        JsonNode vm = admin.ok("CreateVmInstance", Map.of("name", "later", "instanceOfferingUuid", offering, "imageUuid", image,
                "l3NetworkUuids", List.of(guestL3), "strategy", "CreateStopped")).get("inventory");
        assertThat(vm.get("state").asText()).isEqualTo("Created");
        assertThat(node.node().simulator().vm(vm.get("uuid").asText())).isEmpty();
        assertThat(admin.ok("StartVmInstance", Map.of("uuid", vm.get("uuid").asText())).get("inventory").get("state").asText())
                .isEqualTo("Running");
    }

    @Test
    void nestedQueriesReachNicsVolumesAndRelatedResources() {
        JsonNode vm = infra.vm("nested", offering, image, List.of(guestL3));
        String ip = vm.get("vmNics").get(0).get("ip").asText();
        String mac = vm.get("vmNics").get(0).get("mac").asText();
        // the node lives across this class's tests, each with its own 10.20.0.0/24: the address alone may be another's
        assertThat(admin.ok("QueryVmInstance", Map.of("conditions", List.of(Map.of("name", "vmNics.ip", "op", "=", "value", ip),
                Map.of("name", "vmNics.l3NetworkUuid", "op", "=", "value", guestL3)))).get("inventories"))
                .extracting(n -> n.get("uuid").asText()).containsExactly(vm.get("uuid").asText());
        assertThat(query("QueryVmInstance", "vmNics.mac", "=", mac)).hasSize(1);
        assertThat(query("QueryVmInstance", "vmNics.l3NetworkUuid", "=", guestL3)).extracting(n -> n.get("name").asText()).contains("nested");
        assertThat(query("QueryVmInstance", "allVolumes.uuid", "=", vm.get("rootVolumeUuid").asText())).hasSize(1);
        assertThat(query("QueryVmInstance", "image.uuid", "=", image)).hasSize(1);
        assertThat(query("QueryVmInstance", "zone.uuid", "=", zone.zoneUuid())).hasSize(1);
        assertThat(query("QueryVmNic", "vmInstance.name", "=", "nested")).hasSize(1);
        assertThat(query("QueryVolume", "vmInstance.name", "=", "nested")).hasSize(1);
        ApiReply rest = admin.get("/v1/vm-instances?q=vmNics.ip=" + ip + "&q=vmNics.l3NetworkUuid=" + guestL3 + "&limit=10&sort=-createDate");
        assertThat(rest.inventories()).extracting(n -> n.get("uuid").asText()).containsExactly(vm.get("uuid").asText());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentCreationsNeverShareAnAddressAndExhaustionIsAClearError() throws Exception {
        String small = infra.l3(zone, "small", "10.23.0.0/27", false);  // 29 usable addresses after the gateway
        ExecutorService pool = Executors.newFixedThreadPool(16);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Future<JsonNode>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                ApiReply r = node.admin().call("CreateVmInstance", Map.of("name", "burst-" + n, "instanceOfferingUuid", offering,
                        "imageUuid", image, "l3NetworkUuids", List.of(small)));
                if (!r.ok()) {
                    errors.add(r.errorDetails());
                    return null;
                }
                return r.inventory();
            }));
        }
        Set<String> ips = new HashSet<>();
        Set<String> macs = new HashSet<>();
        int created = 0;
        for (Future<JsonNode> f : futures) {
            JsonNode vm = f.get();
            if (vm != null) {
                created++;
                assertThat(ips.add(vm.get("vmNics").get(0).get("ip").asText())).isTrue();
                assertThat(macs.add(vm.get("vmNics").get(0).get("mac").asText())).isTrue();
            }
        }
        pool.shutdown();
        assertThat(created).isEqualTo(29);
        assertThat(errors).hasSize(11).allSatisfy(e -> assertThat(e).contains("has no free IP"));
    }
}
