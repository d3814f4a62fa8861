package io.vrouter.server.vrouter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.vrouter.server.testing.Infra.params;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guests of an L3 on a VXLAN network get an MTU that leaves room for the encapsulation (DHCP option 26, from
 * {@code networkService/defaultDhcpMtu.l2VxlanNetwork}); guests of an L3 on a plain L2 get the full 1500.
 */
class VxlanGuestMtuTest extends NodeContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }

    private String vxlanL3(RouterFixture f) {
        String zone = f.zone.zoneUuid();
        String pool = infra.create("CreateL2VxlanNetworkPool", "zoneUuid", zone, "name", Infra.unique("pool")).get("uuid").asText();
        infra.create("CreateVniRange", "l2NetworkUuid", pool, "name", "all", "startVni", 5000, "endVni", 5999);
        admin.ok("AttachL2NetworkToCluster", params("l2NetworkUuid", pool, "clusterUuid", f.zone.clusterUuid(), "systemTags",
                List.of("l2NetworkUuid::" + pool + "::clusterUuid::" + f.zone.clusterUuid() + "::cidr::{192.168.100.0/24}")));
        String vx = infra.create("CreateL2VxlanNetwork", "poolUuid", pool, "zoneUuid", zone, "name", "vx").get("uuid").asText();
        String l3 = infra.l3(vx);
        infra.create("AddIpRangeByNetworkCidr", "l3NetworkUuid", l3, "name", "r", "networkCidr", "10.77.0.0/24");
        admin.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3,
                "networkServices", Map.of(f.providerUuid, List.of("DHCP", "DNS", "SNAT"))));
        return l3;
    }

    private DhcpInfo entryOf(JsonNode vm, String vr) {
        String mac = vm.get("vmNics").get(0).get("mac").asText();
        return RouterStateChecker.assertInSync(node, vr).dhcp().stream().filter(d -> d.mac().equals(mac)).findFirst().orElseThrow();
    }

    @Test
    void aVxlanGuestGets1450AndAPlainGuest1500AndTheConfigDecides() {
        RouterFixture f = new RouterFixture(admin, 60);
        String vxL3 = vxlanL3(f);
        JsonNode onVxlan = f.userVm("on-vxlan", vxL3);
        String vr = f.routersOn(vxL3).get(0).get("uuid").asText();
        assertThat(entryOf(onVxlan, vr).mtu()).isEqualTo(1450);
        // the router's own nic on that L3 too; its management and public nics (plain L2s) 1500
        assertThat(RouterStateChecker.assertInSync(node, vr).nics()).extracting(n -> n.mtu()).containsExactly(1500, 1500, 1450);

        JsonNode plain = f.userVm("plain", f.guestL3);
        String plainVr = f.routersOn(f.guestL3).get(0).get("uuid").asText();
        assertThat(entryOf(plain, plainVr).mtu()).isEqualTo(1500);

        // an operator whose data network carries jumbo frames raises it; the next sync of the router carries it
        admin.ok("UpdateGlobalConfig", Map.of("category", "networkService", "name", "defaultDhcpMtu.l2VxlanNetwork", "value", "8950"));
        JsonNode second = f.userVm("second", vxL3);
        assertThat(entryOf(second, vr).mtu()).isEqualTo(8950);
        assertThat(entryOf(onVxlan, vr).mtu()).isEqualTo(8950);
        assertThat(admin.call("UpdateGlobalConfig", Map.of("category", "networkService", "name", "defaultDhcpMtu.l2VxlanNetwork",
                "value", "20")).status()).isEqualTo(400);
    }
}
