package io.vrouter.server.zone;

import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.vrouter.server.testing.Infra.MISSING;
import static io.vrouter.server.testing.Infra.assertError;
import static io.vrouter.server.testing.Infra.cond;
import static org.assertj.core.api.Assertions.assertThat;

/** The zone API over HTTP, once per database (see the subclasses). */
abstract class ZoneApiContract extends NodeContract {
    @Test
    void createQueryUpdateAndDelete() {
        String name = Infra.unique("zone");
        JsonNode zone = infra.create("CreateZone", "name", name, "description", "first");
        assertThat(zone.get("uuid").asText()).matches("[0-9a-f]{32}");
        assertThat(zone.get("name").asText()).isEqualTo(name);
        assertThat(zone.get("description").asText()).isEqualTo("first");
        assertThat(zone.get("state").asText()).isEqualTo("Enabled");
        assertThat(zone.get("type").asText()).isEqualTo("zstack");
        assertThat(zone.get("createDate").asText()).endsWith("Z");
        assertThat(zone.get("lastOpDate").asText()).endsWith("Z");
        String uuid = zone.get("uuid").asText();

        assertThat(infra.query("QueryZone", cond("name", "=", name))).extracting(n -> n.get("uuid").asText()).containsExactly(uuid);
        ApiReply rest = admin.get("/v1/zones/" + uuid);
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.inventories().get(0).get("name").asText()).isEqualTo(name);

        JsonNode updated = infra.create("UpdateZone", "uuid", uuid, "description", "second");
        assertThat(updated.get("name").asText()).isEqualTo(name);
        assertThat(updated.get("description").asText()).isEqualTo("second");
        String renamed = Infra.unique("renamed");
        assertThat(infra.create("UpdateZone", "uuid", uuid, "name", renamed).get("name").asText()).isEqualTo(renamed);

        assertThat(admin.ok("DeleteZone", Map.of("uuid", uuid)).get("success").asBoolean()).isTrue();
        assertThat(infra.query("QueryZone", cond("uuid", "=", uuid))).isEmpty();
        assertThat(admin.get("/v1/zones/" + uuid).status()).isEqualTo(404);
    }

    @Test
    void unknownZonesAreNotFound() {
        assertError(admin.call("UpdateZone", Map.of("uuid", MISSING, "name", "x")), 404, "SYS.1003", "no ZoneVO with uuid " + MISSING);
        assertError(admin.call("DeleteZone", Map.of("uuid", MISSING)), 404, "SYS.1003", "no ZoneVO with uuid " + MISSING);
    }

    @Test
    void nameIsRequiredAndBounded() {
        long before = infra.count("QueryZone");
        assertError(admin.call("CreateZone", Map.of()), 400, "SYS.1007", "missing required parameter name of CreateZone");
        assertError(admin.call("CreateZone", Map.of("name", "")), 400, "SYS.1007", "parameter name: length 0 is out of range 1..255");
        assertThat(infra.count("QueryZone")).isEqualTo(before);
    }

    @Test
    void aZoneWithClustersOrL2NetworksIsNotDeleted() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String clusterName = infra.query("QueryCluster", cond("uuid", "=", cluster)).get(0).get("name").asText();
        String l2 = infra.l2(zone);
        String l2Name = infra.query("QueryL2Network", cond("uuid", "=", l2)).get(0).get("name").asText();

        assertError(admin.call("DeleteZone", Map.of("uuid", zone)), 409, "SYS.1008",
                "cannot delete zone " + zone + ": it still has 1 cluster(s): " + clusterName + " (" + cluster + "); 1 L2 network(s): "
                        + l2Name + " (" + l2 + "); delete or detach them first");
        assertThat(infra.count("QueryZone", cond("uuid", "=", zone))).isEqualTo(1);

        admin.ok("DeleteCluster", Map.of("uuid", cluster));
        admin.ok("DeleteL2Network", Map.of("uuid", l2));
        admin.ok("DeleteZone", Map.of("uuid", zone));
        assertThat(infra.count("QueryZone", cond("uuid", "=", zone))).isZero();
    }

    @Test
    void aZoneWithVmsIsNotDeleted() {
        String zone = infra.zone();
        String vm = Infra.insertVm(node.node().database().dsl(), "db-1", zone, null, null, null);
        assertError(admin.call("DeleteZone", Map.of("uuid", zone)), 409, "SYS.1008",
                "cannot delete zone " + zone + ": it still has 1 VM(s): db-1 (" + vm + "); delete or detach them first");
        Infra.deleteVm(node.node().database().dsl(), vm);
        admin.ok("DeleteZone", Map.of("uuid", zone));
    }

    @Test
    void deletingAZoneRemovesItsTags() {
        String zone = infra.zone();
        admin.ok("CreateUserTag", Map.of("resourceType", "ZoneVO", "resourceUuid", zone, "tag", "owner::net"));
        assertThat(infra.count("QueryUserTag", cond("resourceUuid", "=", zone))).isEqualTo(1);
        admin.ok("DeleteZone", Map.of("uuid", zone));
        assertThat(infra.count("QueryUserTag", cond("resourceUuid", "=", zone))).isZero();
    }

    @Test
    void zonesSurviveARestart() {
        String name = Infra.unique("durable");
        String zone = infra.create("CreateZone", "name", name, "description", "kept").get("uuid").asText();
        node.restart();
        admin = node.admin();
        infra = new Infra(admin);
        JsonNode found = infra.query("QueryZone", cond("uuid", "=", zone));
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("name").asText()).isEqualTo(name);
        assertThat(found.get(0).get("description").asText()).isEqualTo("kept");
        assertThat(node.node().zones().exists(zone)).isTrue();
        assertThat(node.node().zones().exists(MISSING)).isFalse();
    }
}
