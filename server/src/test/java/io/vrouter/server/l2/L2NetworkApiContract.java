package io.vrouter.server.l2;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.vrouter.server.testing.Infra.MISSING;
import static io.vrouter.server.testing.Infra.assertError;
import static io.vrouter.server.testing.Infra.cond;
import static org.assertj.core.api.Assertions.assertThat;

/** The L2 network API over HTTP, once per database (see the subclasses). */
abstract class L2NetworkApiContract extends NodeContract {
    private String nameOf(String api, String uuid) {
        return infra.query(api, cond("uuid", "=", uuid)).get(0).get("name").asText();
    }

    @Test
    void createNoVlanAndVlanNetworks() {
        String zone = infra.zone();
        String name = Infra.unique("flat");
        JsonNode flat = infra.create("CreateL2NoVlanNetwork", "zoneUuid", zone, "name", name, "physicalInterface", "eth1",
                "description", "flat one");
        assertThat(flat.get("type").asText()).isEqualTo("L2NoVlanNetwork");
        assertThat(flat.get("zoneUuid").asText()).isEqualTo(zone);
        assertThat(flat.get("physicalInterface").asText()).isEqualTo("eth1");
        assertThat(flat.get("vlan").isNull()).isTrue();
        assertThat(flat.get("description").asText()).isEqualTo("flat one");
        assertThat(flat.get("attachedClusterUuids")).isEmpty();

        JsonNode vlan = infra.create("CreateL2VlanNetwork", "zoneUuid", zone, "name", Infra.unique("vlan"), "physicalInterface", "eth1",
                "vlan", 4094);
        assertThat(vlan.get("type").asText()).isEqualTo("L2VlanNetwork");
        assertThat(vlan.get("vlan").asInt()).isEqualTo(4094);

        assertThat(infra.query("QueryL2VlanNetwork", cond("zoneUuid", "=", zone))).extracting(n -> n.get("uuid").asText())
                .containsExactly(vlan.get("uuid").asText());
        assertThat(infra.query("QueryL2Network", cond("zoneUuid", "=", zone))).hasSize(2);
        assertThat(admin.get("/v1/l2-networks/" + flat.get("uuid").asText()).inventories().get(0).get("name").asText()).isEqualTo(name);
        L2NetworkRecord record = node.node().l2Networks().find(vlan.get("uuid").asText()).orElseThrow();
        assertThat(record.vlan()).isEqualTo(4094);
        assertThat(record.type()).isEqualTo("L2VlanNetwork");
    }

    @Test
    void vlanMustBeBetween1And4094AndTheInterfaceAName() {
        String zone = infra.zone();
        long before = infra.count("QueryL2Network");
        for (int vlan : new int[] {0, 4095}) {
            assertError(admin.call("CreateL2VlanNetwork", Map.of("zoneUuid", zone, "name", "v", "physicalInterface", "eth0", "vlan", vlan)),
                    400, "SYS.1007", "parameter vlan: " + vlan + " is out of range 1..4094");
        }
        assertError(admin.call("CreateL2NoVlanNetwork", Map.of("zoneUuid", zone, "name", "v", "physicalInterface", "eth 0")),
                400, "SYS.1007", "physicalInterface 'eth 0' is not an interface name (1-15 letters, digits or _ . : -)");
        assertError(admin.call("CreateL2NoVlanNetwork", Map.of("zoneUuid", MISSING, "name", "v", "physicalInterface", "eth0")),
                404, "SYS.1003", "no ZoneVO with uuid " + MISSING);
        assertThat(infra.count("QueryL2Network")).isEqualTo(before);
    }

    @Test
    void attachAndDetach() {
        String zone = infra.zone();
        String zoneName = nameOf("QueryZone", zone);
        String c1 = infra.cluster(zone);
        String c2 = infra.cluster(zone);
        String l2 = infra.l2(zone);
        JsonNode attached = admin.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", c1)).get("inventory");
        assertThat(attached.get("attachedClusterUuids")).extracting(JsonNode::asText).containsExactly(c1);
        infra.attach(l2, c2);
        assertThat(node.node().l2Networks().clustersOf(l2)).containsExactlyInAnyOrder(c1, c2);
        assertThat(infra.query("QueryL2Network", cond("attachedClusterUuids.clusterUuid", "=", c2)))
                .extracting(n -> n.get("uuid").asText()).containsExactly(l2);
        assertThat(infra.query("QueryL2Network", cond("zone.name", "=", zoneName))).extracting(n -> n.get("uuid").asText())
                .containsExactly(l2);

        JsonNode detached = admin.ok("DetachL2NetworkFromCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", c1)).get("inventory");
        assertThat(detached.get("attachedClusterUuids")).extracting(JsonNode::asText).containsExactly(c2);
        assertError(admin.call("DetachL2NetworkFromCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", c1)), 409, "SYS.1008",
                "L2 network " + nameOf("QueryL2Network", l2) + " (" + l2 + ") is not attached to cluster " + nameOf("QueryCluster", c1)
                        + " (" + c1 + ")");
    }

    @Test
    void attachRefusesOtherZonesTwiceAndTheSameWire() {
        String zone = infra.zone();
        String otherZone = infra.zone();
        String cluster = infra.cluster(zone);
        String foreign = infra.cluster(otherZone);
        String l2 = infra.l2(zone);
        String l2Name = nameOf("QueryL2Network", l2);
        String clusterName = nameOf("QueryCluster", cluster);
        assertError(admin.call("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", foreign)), 400, "SYS.1007",
                "L2 network " + l2Name + " (" + l2 + ") is in zone " + zone + " but cluster " + nameOf("QueryCluster", foreign)
                        + " (" + foreign + ") is in zone " + otherZone + "; an L2 network can only be attached to clusters of its own zone");

        infra.attach(l2, cluster);
        assertError(admin.call("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", cluster)), 409, "SYS.1008",
                "L2 network " + l2Name + " (" + l2 + ") is already attached to cluster " + clusterName + " (" + cluster + ")");

        String sameInterface = infra.l2(zone);
        assertError(admin.call("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", sameInterface, "clusterUuid", cluster)), 409,
                "SYS.1008", "cluster " + clusterName + " (" + cluster + ") already has L2 network " + l2Name + " (" + l2
                        + ") on interface eth0 without VLAN");
        String vlan10 = infra.vlan(zone, 10);
        infra.attach(vlan10, cluster);
        String otherVlan10 = infra.vlan(zone, 10);
        assertError(admin.call("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", otherVlan10, "clusterUuid", cluster)), 409,
                "SYS.1008", "cluster " + clusterName + " (" + cluster + ") already has L2 network " + nameOf("QueryL2Network", vlan10)
                        + " (" + vlan10 + ") on interface eth0 VLAN 10");
        infra.attach(infra.vlan(zone, 11), cluster);
        assertThat(node.node().l2Networks().clustersOf(sameInterface)).isEmpty();
        assertError(admin.call("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", MISSING, "clusterUuid", cluster)), 404,
                "SYS.1003", "no L2NetworkVO with uuid " + MISSING);
    }

    @Test
    void detachIsRefusedWhileVmsOfTheClusterHaveNicsOnIt() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String host = infra.host(cluster);
        String l2 = infra.l2(zone);
        infra.attach(l2, cluster);
        String l3 = infra.l3(l2);
        String vm = Infra.insertVm(node.node().database().dsl(), "app-1", zone, cluster, host, l3);
        assertError(admin.call("DetachL2NetworkFromCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", cluster)), 409, "SYS.1008",
                "cannot detach L2 network " + nameOf("QueryL2Network", l2) + " (" + l2 + ") from cluster " + nameOf("QueryCluster", cluster)
                        + " (" + cluster + "): 1 VM(s) of the cluster have nics on it: app-1 (" + vm + ")");
        assertThat(node.node().l2Networks().clustersOf(l2)).containsExactly(cluster);
        Infra.deleteVm(node.node().database().dsl(), vm);
        admin.ok("DetachL2NetworkFromCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", cluster));
    }

    @Test
    void anL2WithL3NetworksIsNotDeleted() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String l2 = infra.l2(zone);
        infra.attach(l2, cluster);
        String l3 = infra.l3(l2);
        String l3Name = nameOf("QueryL3Network", l3);
        assertError(admin.call("DeleteL2Network", Map.of("uuid", l2)), 409, "SYS.1008",
                "cannot delete L2 network " + l2 + ": it still has 1 L3 network(s): " + l3Name + " (" + l3
                        + "); delete or detach them first");
        assertThat(infra.count("QueryL2Network", cond("uuid", "=", l2))).isEqualTo(1);
        admin.ok("DeleteL3Network", Map.of("uuid", l3));
        admin.ok("CreateUserTag", Map.of("resourceType", "L2NetworkVO", "resourceUuid", l2, "tag", "wire::a"));
        admin.ok("DeleteL2Network", Map.of("uuid", l2));
        assertThat(infra.count("QueryL2Network", cond("uuid", "=", l2))).isZero();
        assertThat(infra.count("QueryUserTag", cond("resourceUuid", "=", l2))).isZero();
        // the cluster stays; only the attachment went
        assertThat(infra.count("QueryCluster", cond("uuid", "=", cluster))).isEqualTo(1);
    }

    @Test
    void attachmentsSurviveARestart() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String l2 = infra.vlan(zone, 300);
        infra.attach(l2, cluster);
        node.restart();
        admin = node.admin();
        infra = new Infra(admin);
        JsonNode found = infra.query("QueryL2Network", cond("uuid", "=", l2)).get(0);
        assertThat(found.get("vlan").asInt()).isEqualTo(300);
        assertThat(found.get("attachedClusterUuids")).extracting(JsonNode::asText).containsExactly(cluster);
    }
}
