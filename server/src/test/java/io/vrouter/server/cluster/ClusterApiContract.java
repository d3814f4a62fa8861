package io.vrouter.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.vrouter.server.testing.Infra.MISSING;
import static io.vrouter.server.testing.Infra.assertError;
import static io.vrouter.server.testing.Infra.cond;
import static org.assertj.core.api.Assertions.assertThat;

/** The cluster API over HTTP, once per database (see the subclasses). */
abstract class ClusterApiContract extends NodeContract {
    @Test
    void createQueryAndDelete() {
        String zone = infra.zone();
        String name = Infra.unique("cluster");
        JsonNode cluster = infra.create("CreateCluster", "zoneUuid", zone, "name", name, "hypervisorType", "Netns",
                "description", "netns hosts");
        assertThat(cluster.get("name").asText()).isEqualTo(name);
        assertThat(cluster.get("zoneUuid").asText()).isEqualTo(zone);
        assertThat(cluster.get("hypervisorType").asText()).isEqualTo("Netns");
        assertThat(cluster.get("state").asText()).isEqualTo("Enabled");
        assertThat(cluster.get("type").asText()).isEqualTo("zstack");
        assertThat(cluster.get("description").asText()).isEqualTo("netns hosts");
        String uuid = cluster.get("uuid").asText();

        assertThat(admin.get("/v1/clusters/" + uuid).inventories().get(0).get("name").asText()).isEqualTo(name);
        ClusterRecord record = node.node().clusters().find(uuid).orElseThrow();
        assertThat(record).isEqualTo(new ClusterRecord(uuid, name, zone, "Netns", "Enabled"));

        admin.ok("DeleteCluster", Map.of("uuid", uuid));
        assertThat(infra.count("QueryCluster", cond("uuid", "=", uuid))).isZero();
        assertThat(node.node().clusters().find(uuid)).isEmpty();
    }

    @Test
    void nestedZoneFieldsFindClusters() {
        String zone = infra.zone();
        String zoneName = infra.query("QueryZone", cond("uuid", "=", zone)).get(0).get("name").asText();
        String a = infra.cluster(zone);
        String b = infra.cluster(zone);
        infra.cluster(infra.zone());
        assertThat(infra.query("QueryCluster", cond("zone.name", "=", zoneName)))
                .extracting(n -> n.get("uuid").asText()).containsExactlyInAnyOrder(a, b);
        assertThat(admin.get("/v1/clusters?q=zone.name=" + zoneName + "&count=true").body().get("total").asLong()).isEqualTo(2);
    }

    @Test
    void createNeedsAnExistingZoneAndAKnownHypervisor() {
        long before = infra.count("QueryCluster");
        assertError(admin.call("CreateCluster", Map.of("zoneUuid", MISSING, "name", "c", "hypervisorType", "Simulator")),
                404, "SYS.1003", "no ZoneVO with uuid " + MISSING);
        assertError(admin.call("CreateCluster", Map.of("zoneUuid", infra.zone(), "name", "c", "hypervisorType", "KVM")),
                400, "SYS.1007", "parameter hypervisorType: 'KVM' is not one of [Simulator, Netns]");
        assertThat(infra.count("QueryCluster")).isEqualTo(before);
    }

    @Test
    void aClusterWithHostsIsNotDeletedAndItsL2AttachmentsGoWithIt() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String host = infra.host(cluster);
        String hostName = infra.query("QueryHost", cond("uuid", "=", host)).get(0).get("name").asText();
        String l2 = infra.l2(zone);
        infra.attach(l2, cluster);

        assertError(admin.call("DeleteCluster", Map.of("uuid", cluster)), 409, "SYS.1008",
                "cannot delete cluster " + cluster + ": it still has 1 host(s): " + hostName + " (" + host
                        + "); delete or detach them first");
        assertThat(infra.count("QueryCluster", cond("uuid", "=", cluster))).isEqualTo(1);

        admin.ok("DeleteHost", Map.of("uuid", host));
        admin.ok("DeleteCluster", Map.of("uuid", cluster));
        assertThat(infra.query("QueryL2Network", cond("uuid", "=", l2)).get(0).get("attachedClusterUuids")).isEmpty();
        assertError(admin.call("DeleteCluster", Map.of("uuid", cluster)), 404, "SYS.1003", "no ClusterVO with uuid " + cluster);
    }

    @Test
    void clustersSurviveARestart() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        node.restart();
        admin = node.admin();
        infra = new Infra(admin);
        JsonNode found = infra.query("QueryCluster", cond("uuid", "=", cluster));
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("zoneUuid").asText()).isEqualTo(zone);
    }
}
