package io.vrouter.server.l2;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.vrouter.server.testing.Infra.MISSING;
import static io.vrouter.server.testing.Infra.assertError;
import static io.vrouter.server.testing.Infra.cond;
import static io.vrouter.server.testing.Infra.params;
import static org.assertj.core.api.Assertions.assertThat;

/** The VXLAN pool, VNI range and VXLAN network APIs over HTTP, once per database (see the subclasses). */
abstract class VxlanApiContract extends NodeContract {

    private String pool(String zone) {
        return infra.create("CreateL2VxlanNetworkPool", "zoneUuid", zone, "name", Infra.unique("pool")).get("uuid").asText();
    }

    private String range(String pool, int start, int end) {
        return infra.create("CreateVniRange", "l2NetworkUuid", pool, "name", Infra.unique("range"), "startVni", start, "endVni", end)
                .get("uuid").asText();
    }

    private JsonNode network(String pool, String zone, Integer vni) {
        return infra.create("CreateL2VxlanNetwork", "poolUuid", pool, "zoneUuid", zone, "name", Infra.unique("vx"), "vni", vni);
    }

    private static String cidrTag(String pool, String cluster, String cidr) {
        return "l2NetworkUuid::" + pool + "::clusterUuid::" + cluster + "::cidr::{" + cidr + "}";
    }

    @Test
    void theApisAreInTheCatalogueWithTheirLimits() {
        for (String api : List.of("CreateL2VxlanNetworkPool", "CreateVniRange", "DeleteVniRange", "CreateL2VxlanNetwork",
                "QueryL2VxlanNetworkPool", "QueryL2VxlanNetwork", "QueryVniRange")) {
            assertThat(node.node().catalogue().find(api)).as(api).isPresent();
        }
        var startVni = node.node().catalogue().find("CreateVniRange").orElseThrow().param("startVni").orElseThrow();
        assertThat(startVni.min()).isEqualTo(1);
        assertThat(startVni.max()).isEqualTo(16_777_214);
        assertThat(node.node().catalogue().find("AttachL2NetworkToCluster").orElseThrow().param("systemTags")).isPresent();
    }

    @Test
    void poolRangesAndNetworksWithGivenAndAllocatedVnis() {
        String zone = infra.zone();
        String pool = pool(zone);
        JsonNode range = infra.query("QueryVniRange", cond("uuid", "=", range(pool, 100, 102))).get(0);
        assertThat(range.get("startVni").asInt()).isEqualTo(100);
        assertThat(range.get("endVni").asInt()).isEqualTo(102);
        assertThat(range.get("l2NetworkUuid").asText()).isEqualTo(pool);

        JsonNode given = network(pool, zone, 101);
        assertThat(given.get("vni").asInt()).isEqualTo(101);
        assertThat(given.get("poolUuid").asText()).isEqualTo(pool);
        assertThat(given.get("type").asText()).isEqualTo("L2VxlanNetwork");
        // the lowest free VNIs, around the one taken
        assertThat(network(pool, zone, null).get("vni").asInt()).isEqualTo(100);
        assertThat(network(pool, zone, null).get("vni").asInt()).isEqualTo(102);

        JsonNode poolInventory = infra.query("QueryL2VxlanNetworkPool", cond("uuid", "=", pool)).get(0);
        assertThat(poolInventory.get("type").asText()).isEqualTo("L2VxlanNetworkPool");
        assertThat(poolInventory.get("attachedVniRanges")).extracting(r -> r.get("startVni").asInt()).containsExactly(100);
        assertThat(infra.query("QueryL2VxlanNetwork", cond("poolUuid", "=", pool))).extracting(n -> n.get("vni").asInt())
                .containsExactlyInAnyOrder(100, 101, 102);
        assertThat(infra.query("QueryL2VxlanNetwork", cond("pool.name", "=", poolInventory.get("name").asText()))).hasSize(3);
        // pools and VXLAN networks are L2 networks too
        assertThat(infra.count("QueryL2Network", cond("zoneUuid", "=", zone))).isEqualTo(4);
        assertThat(node.node().l2Networks().vxlan().find(given.get("uuid").asText()).orElseThrow().vni()).isEqualTo(101);
        assertThat(admin.get("/v1/l2-networks/vxlan/" + given.get("uuid").asText()).inventories().get(0).get("vni").asInt())
                .isEqualTo(101);
    }

    @Test
    void exhaustedPoolOutOfRangeAndInUseAreClearErrorsAndWriteNothing() {
        String zone = infra.zone();
        String pool = pool(zone);
        String poolName = infra.query("QueryL2VxlanNetworkPool", cond("uuid", "=", pool)).get(0).get("name").asText();
        assertError(admin.call("CreateL2VxlanNetwork", Map.of("poolUuid", pool, "zoneUuid", zone, "name", "x")), 400, "SYS.1007",
                "VXLAN pool " + poolName + " (" + pool + ") has no VNI range; CreateVniRange first");
        range(pool, 7, 8);
        String first = network(pool, zone, 8).get("uuid").asText();
        network(pool, zone, null);
        long before = infra.count("QueryL2Network");
        assertError(admin.call("CreateL2VxlanNetwork", Map.of("poolUuid", pool, "zoneUuid", zone, "name", "x")), 409, "SYS.1008",
                "VXLAN pool " + poolName + " (" + pool + ") has no free VNI: its ranges [7-8] are all used by its 2 network(s);"
                        + " CreateVniRange to add VNIs");
        assertError(admin.call("CreateL2VxlanNetwork", Map.of("poolUuid", pool, "zoneUuid", zone, "name", "x", "vni", 8)), 409,
                "SYS.1008", "vni 8 of VXLAN pool " + poolName + " (" + pool + ") is in use by VXLAN network " + first);
        assertError(admin.call("CreateL2VxlanNetwork", Map.of("poolUuid", pool, "zoneUuid", zone, "name", "x", "vni", 9)), 400,
                "SYS.1007", "vni 9 is outside the VNI ranges [7-8] of VXLAN pool " + poolName + " (" + pool + ")");
        assertError(admin.call("CreateL2VxlanNetwork", Map.of("poolUuid", pool, "zoneUuid", zone, "name", "x", "vni", 16_777_215)),
                400, "SYS.1007", "parameter vni: 16777215 is out of range 1..16777214");
        String otherZone = infra.zone();
        before = infra.count("QueryL2Network");
        assertError(admin.call("CreateL2VxlanNetwork", Map.of("poolUuid", pool, "zoneUuid", otherZone, "name", "x")), 400,
                "SYS.1007", "VXLAN pool " + poolName + " (" + pool + ") is in zone " + zone + ", not in zone " + otherZone);
        assertThat(infra.count("QueryL2Network")).isEqualTo(before);
        // a new range gives more
        range(pool, 20, 20);
        assertThat(network(pool, zone, null).get("vni").asInt()).isEqualTo(20);
    }

    @Test
    void rangesAreValidatedAndDoNotOverlapWithinAPool() {
        String zone = infra.zone();
        String pool = pool(zone);
        String poolName = infra.query("QueryL2VxlanNetworkPool", cond("uuid", "=", pool)).get(0).get("name").asText();
        String r = range(pool, 100, 200);
        String rName = infra.query("QueryVniRange", cond("uuid", "=", r)).get(0).get("name").asText();
        for (int[] bad : new int[][] {{0, 5}, {5, 16_777_215}}) {
            String param = bad[0] == 0 ? "startVni" : "endVni";
            int value = bad[0] == 0 ? 0 : 16_777_215;
            assertError(admin.call("CreateVniRange", Map.of("l2NetworkUuid", pool, "name", "r", "startVni", bad[0], "endVni", bad[1])),
                    400, "SYS.1007", "parameter " + param + ": " + value + " is out of range 1..16777214");
        }
        assertError(admin.call("CreateVniRange", Map.of("l2NetworkUuid", pool, "name", "r", "startVni", 9, "endVni", 8)), 400,
                "SYS.1007", "startVni 9 is greater than endVni 8");
        assertError(admin.call("CreateVniRange", Map.of("l2NetworkUuid", pool, "name", "r", "startVni", 200, "endVni", 300)), 409,
                "SYS.1008", "VNI range 200-300 overlaps range " + rName + " (" + r + ", 100-200) of VXLAN pool " + poolName + " (" + pool + ")");
        String l2 = infra.l2(zone);
        assertError(admin.call("CreateVniRange", Map.of("l2NetworkUuid", l2, "name", "r", "startVni", 1, "endVni", 2)), 400,
                "SYS.1007", "l2NetworkUuid " + l2 + " is L2NoVlanNetwork, not a L2VxlanNetworkPool");
        assertError(admin.call("CreateVniRange", Map.of("l2NetworkUuid", MISSING, "name", "r", "startVni", 1, "endVni", 2)), 404,
                "SYS.1003", "no L2NetworkVO with uuid " + MISSING);
        assertThat(infra.count("QueryVniRange", cond("l2NetworkUuid", "=", pool))).isEqualTo(1);
        // another pool may use the same VNIs
        range(pool(zone), 150, 160);
        // a range with a network's VNI stays; an unused one goes
        String vx = network(pool, zone, 150).get("uuid").asText();
        assertError(admin.call("DeleteVniRange", Map.of("uuid", r)), 409, "SYS.1008",
                "cannot delete VNI range " + r + ": VXLAN network(s) [" + vx + "] have VNIs in it; delete them first");
        admin.ok("DeleteL2Network", Map.of("uuid", vx));
        admin.ok("DeleteVniRange", Map.of("uuid", r));
        assertThat(infra.count("QueryVniRange", cond("l2NetworkUuid", "=", pool))).isZero();
    }

    @Test
    void poolsOfOneClusterDoNotShareVnis() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String a = pool(zone);
        String b = pool(zone);
        String aRange = range(a, 100, 199);
        String aRangeName = infra.query("QueryVniRange", cond("uuid", "=", aRange)).get(0).get("name").asText();
        range(b, 150, 250);
        admin.ok("AttachL2NetworkToCluster", params("l2NetworkUuid", a, "clusterUuid", cluster));
        assertError(admin.call("AttachL2NetworkToCluster", params("l2NetworkUuid", b, "clusterUuid", cluster)), 409, "SYS.1008",
                "VNI range 150-250 of VXLAN pool " + b + " overlaps range " + aRangeName + " (100-199) of VXLAN pool " + a
                        + " in cluster " + cluster + "; pools of one cluster must not share VNIs (a host has one vxlan device per VNI)");
        assertThat(node.node().l2Networks().clustersOf(b)).isEmpty();
        // a pool in another cluster may; one in the same cluster may not grow into the other's VNIs
        String c = pool(zone);
        admin.ok("AttachL2NetworkToCluster", params("l2NetworkUuid", c, "clusterUuid", cluster));
        range(c, 300, 399);
        assertError(admin.call("CreateVniRange", Map.of("l2NetworkUuid", c, "name", "r", "startVni", 199, "endVni", 200)), 409,
                "SYS.1008", "VNI range 199-200 of VXLAN pool " + c + " overlaps range " + aRangeName + " (100-199) of VXLAN pool "
                        + a + " in cluster " + cluster + "; pools of one cluster must not share VNIs (a host has one vxlan device per VNI)");
        assertThat(infra.count("QueryVniRange", cond("l2NetworkUuid", "=", c))).isEqualTo(1);
    }

    @Test
    void concurrentAllocationsGetDistinctVnis() throws Exception {
        String zone = infra.zone();
        String pool = pool(zone);
        range(pool, 1000, 1019);
        ExecutorService pool8 = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> vnis = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Callable<Integer> create = () -> network(pool, zone, null).get("vni").asInt();
                vnis.add(pool8.submit(create));
            }
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> f : vnis) {
                got.add(f.get());
            }
            assertThat(got).doesNotHaveDuplicates().allMatch(v -> v >= 1000 && v <= 1019);
        } finally {
            pool8.shutdownNow();
        }
    }

    @Test
    void attachingThePoolAttachesItsNetworksWithTheVtepCidr() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String pool = pool(zone);
        range(pool, 1, 100);
        String before = network(pool, zone, null).get("uuid").asText();
        JsonNode attached = admin.ok("AttachL2NetworkToCluster", params("l2NetworkUuid", pool, "clusterUuid", cluster,
                "systemTags", List.of(cidrTag(pool, cluster, "192.168.100.0/24")))).get("inventory");
        assertThat(attached.get("attachedClusterUuids")).extracting(JsonNode::asText).containsExactly(cluster);
        String after = network(pool, zone, null).get("uuid").asText();
        assertThat(node.node().l2Networks().clustersOf(before)).containsExactly(cluster);
        assertThat(node.node().l2Networks().clustersOf(after)).containsExactly(cluster);
        assertThat(node.node().l2Networks().vxlan().vtepCidr(after, cluster).orElseThrow()).hasToString("192.168.100.0/24");
        assertThat(infra.query("QueryL2VxlanNetworkPool", cond("uuid", "=", pool)).get(0).get("attachedCidrs"))
                .extracting(r -> r.get("vtepCidr").asText()).containsExactly("192.168.100.0/24");
        // two pools in one cluster are not "the same wire"
        String other = pool(zone);
        admin.ok("AttachL2NetworkToCluster", params("l2NetworkUuid", other, "clusterUuid", cluster));
        assertThat(node.node().l2Networks().vxlan().vtepCidr(other, cluster)).isEmpty();

        // an L3 stands on a VXLAN network, not on the pool
        String l3 = infra.l3(after);
        assertThat(infra.query("QueryL3Network", cond("uuid", "=", l3)).get(0).get("l2NetworkUuid").asText()).isEqualTo(after);
        assertError(admin.call("CreateL3Network", Map.of("l2NetworkUuid", pool, "name", "x")), 400, "SYS.1007",
                "L2 network " + attached.get("name").asText() + " (" + pool + ") is a VXLAN pool; create the L3 network on one of its"
                        + " VXLAN networks (CreateL2VxlanNetwork)");
        // a pool with networks is not deleted; a network is attached and detached through its pool only
        assertThat(admin.call("DeleteL2Network", Map.of("uuid", pool)).errorDetails()).startsWith("cannot delete L2 network " + pool
                + ": it still has 2 VXLAN network(s)");
        assertThat(admin.call("DetachL2NetworkFromCluster", Map.of("l2NetworkUuid", after, "clusterUuid", cluster)).errorDetails())
                .isEqualTo("VXLAN network " + infra.query("QueryL2Network", cond("uuid", "=", after)).get(0).get("name").asText()
                        + " (" + after + ") is attached where its pool " + pool + " is; detach the pool from the cluster");

        admin.ok("DetachL2NetworkFromCluster", Map.of("l2NetworkUuid", pool, "clusterUuid", cluster));
        assertThat(node.node().l2Networks().clustersOf(after)).isEmpty();
        assertThat(node.node().l2Networks().clustersOf(before)).isEmpty();
    }

    @Test
    void hostsVtepsAreRecordedCheckedAgainstTheCidrAndGoWithTheirHost() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String h1 = infra.host(cluster);
        String h2 = infra.host(cluster);
        String pool = pool(zone);
        range(pool, 1, 10);
        String vx = network(pool, zone, null).get("uuid").asText();
        admin.ok("AttachL2NetworkToCluster", params("l2NetworkUuid", pool, "clusterUuid", cluster,
                "systemTags", List.of(cidrTag(pool, cluster, "192.168.100.0/24"))));
        VxlanNetworks vxlan = node.node().l2Networks().vxlan();
        assertThat(vxlan.recordVtep(h1, cluster, pool, "192.168.100.11")).isTrue();
        assertThat(vxlan.recordVtep(h2, cluster, pool, "192.168.100.12")).isTrue();
        assertThat(vxlan.recordVtep(h1, cluster, pool, "192.168.100.11")).as("unchanged").isFalse();
        assertThat(vxlan.recordVtep(h2, cluster, pool, "192.168.100.22")).as("moved").isTrue();
        assertThat(vxlan.vtepsOf(vx)).extracting(VxlanNetworks.Vtep::vtepIp).containsExactly("192.168.100.11", "192.168.100.22");
        assertThat(infra.query("QueryVtep", cond("poolUuid", "=", pool))).extracting(v -> v.get("port").asInt()).containsOnly(4789);
        assertThat(infra.query("QueryL2VxlanNetworkPool", cond("uuid", "=", pool)).get(0).get("attachedVtepRefs"))
                .extracting(v -> v.get("hostUuid").asText()).containsExactly(h1, h2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> vxlan.recordVtep(h1, cluster, pool, "10.0.0.1"))
                .hasMessage("VTEP address 10.0.0.1 of host " + h1 + " is outside the VTEP cidr 192.168.100.0/24 of VXLAN pool "
                        + pool + " in cluster " + cluster);
        assertThat(vxlan.vtepsOf(pool)).extracting(VxlanNetworks.Vtep::vtepIp).containsExactly("192.168.100.11", "192.168.100.22");
        admin.ok("DeleteHost", Map.of("uuid", h2));
        assertThat(vxlan.vtepsOf(pool)).extracting(VxlanNetworks.Vtep::hostUuid).containsExactly(h1);
        assertThat(vxlan.forgetVtep(h1, pool)).isTrue();
        assertThat(vxlan.vtepsOf(pool)).isEmpty();
        // detaching the pool from the cluster takes its hosts' VTEPs
        vxlan.recordVtep(h1, cluster, pool, "192.168.100.11");
        admin.ok("DetachL2NetworkFromCluster", Map.of("l2NetworkUuid", pool, "clusterUuid", cluster));
        assertThat(vxlan.vtepsOf(pool)).isEmpty();
    }

    @Test
    void badVtepCidrTagsAreRefusedAndNothingIsAttached() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String pool = pool(zone);
        String l2 = infra.l2(zone);
        assertError(admin.call("AttachL2NetworkToCluster", params("l2NetworkUuid", pool, "clusterUuid", cluster,
                "systemTags", List.of(cidrTag(pool, cluster, "")))), 400, "SYS.1007",
                "VTEP cidr '' is not an IPv4 subnet such as 192.168.100.0/24");
        assertError(admin.call("AttachL2NetworkToCluster", params("l2NetworkUuid", pool, "clusterUuid", cluster,
                "systemTags", List.of(cidrTag(pool, cluster, "192.168.100.7/24")))), 400, "SYS.1007",
                "VTEP cidr '192.168.100.7/24' has host bits set; did you mean 192.168.100.0/24?");
        assertError(admin.call("AttachL2NetworkToCluster", params("l2NetworkUuid", pool, "clusterUuid", cluster,
                "systemTags", List.of(cidrTag(MISSING, cluster, "10.0.0.0/8")))), 400, "SYS.1007",
                "system tag '" + cidrTag(MISSING, cluster, "10.0.0.0/8") + "' names L2 " + MISSING + " and cluster " + cluster
                        + " but the call attaches " + pool + " to " + cluster);
        assertError(admin.call("AttachL2NetworkToCluster", params("l2NetworkUuid", l2, "clusterUuid", cluster,
                "systemTags", List.of(cidrTag(l2, cluster, "10.0.0.0/8")))), 400, "SYS.1007",
                "a VTEP cidr is for a VXLAN pool; L2 network " + l2 + " is L2NoVlanNetwork");
        assertError(admin.call("AttachL2NetworkToCluster", params("l2NetworkUuid", pool, "clusterUuid", cluster,
                "systemTags", List.of("cidr::10.0.0.0/8"))), 400, "SYS.1007",
                "system tag 'cidr::10.0.0.0/8' is not l2NetworkUuid::<pool uuid>::clusterUuid::<cluster uuid>::cidr::{<cidr>}");
        assertThat(node.node().l2Networks().clustersOf(pool)).isEmpty();
        assertThat(node.node().l2Networks().clustersOf(l2)).isEmpty();
    }
}
