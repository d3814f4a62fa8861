package io.vrouter.server.zstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** ZStack's SDK routes of the VXLAN APIs (REST v1) and their message classes (the RPC envelope). */
class VxlanOverZStackWireOnH2Test extends NodeContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }

    @Test
    void theSdkCreatesAPoolARangeAndAVxlanNetworkThroughRestV1() {
        RestV1Client zs = new RestV1Client(node.url());
        zs.logIn("admin", TestNode.ADMIN_PASSWORD);
        String zone = zs.call("CreateZone", Map.of("name", "vx-zone")).get("inventory").get("uuid").asText();
        String pool = zs.call("CreateL2VxlanNetworkPool", Map.of("zoneUuid", zone, "name", "pool", "physicalInterface", "eth0"))
                .get("inventory").get("uuid").asText();
        JsonNode range = zs.call("CreateVniRange", Map.of("l2NetworkUuid", pool, "name", "r", "startVni", 10, "endVni", 20))
                .get("inventory");
        assertThat(range.get("l2NetworkUuid").asText()).isEqualTo(pool);
        JsonNode vx = zs.call("CreateL2VxlanNetwork", Map.of("poolUuid", pool, "zoneUuid", zone, "name", "vx")).get("inventory");
        assertThat(vx.get("vni").asInt()).isEqualTo(10);
        assertThat(zs.query("QueryL2VxlanNetwork", List.of("poolUuid=" + pool), Map.of()).get("inventories"))
                .extracting(n -> n.get("uuid").asText()).containsExactly(vx.get("uuid").asText());
        assertThat(zs.query("QueryVniRange", List.of("l2NetworkUuid=" + pool), Map.of()).get("inventories")).hasSize(1);
    }

    @Test
    void zstackCliReachesThemUnderZStacksMessageClasses() {
        ZStackApis apis = ZStackApis.of(node.node().catalogue());
        for (String message : List.of("org.zstack.network.l2.vxlan.vxlanNetworkPool.APICreateL2VxlanNetworkPoolMsg",
                "org.zstack.network.l2.vxlan.vxlanNetworkPool.APICreateVniRangeMsg",
                "org.zstack.network.l2.vxlan.vxlanNetwork.APICreateL2VxlanNetworkMsg",
                "org.zstack.network.l2.vxlan.vtep.APIQueryVtepMsg")) {
            assertThat(apis.byMessageClass(message)).as(message).isPresent();
        }
    }
}
