package io.vrouter.hostagent;

import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VxlanPlanTest {
    private static final Ipv4 ME = Ipv4.parse("192.168.7.1");
    private static final Ipv4 B = Ipv4.parse("192.168.7.2");
    private static final Ipv4 C = Ipv4.parse("192.168.7.3");

    private static VxlanPlan.Desired desired(Ipv4 local, Set<Ipv4> peers) {
        return new VxlanPlan.Desired("vnabcde1234567", "vnabcdb1234567", 5000, local, 1450, peers);
    }

    private static VxlanPlan.Observed has(String local, Set<Ipv4> peers) {
        return new VxlanPlan.Observed(true, 5000, local, VxlanPlan.PORT, false, 1450, "vnabcdb1234567", true, peers);
    }

    @Test
    void aMissingDeviceIsCreatedEnslavedAndFloodsToEveryPeerButItself() {
        List<VxlanPlan.Op> ops = VxlanPlan.plan(desired(ME, Set.of(ME, B, C)), VxlanPlan.Observed.ABSENT);
        assertThat(ops).containsExactly(
                new VxlanPlan.Create("vnabcde1234567", 5000, ME, 1450),
                new VxlanPlan.Enslave("vnabcde1234567", "vnabcdb1234567"),
                new VxlanPlan.AddPeer("vnabcde1234567", B),
                new VxlanPlan.AddPeer("vnabcde1234567", C));
        assertThat(ops.get(0).argv()).containsExactly("ip", "link", "add", "vnabcde1234567", "mtu", "1450", "type", "vxlan",
                "id", "5000", "local", "192.168.7.1", "dstport", "4789", "nolearning");
        assertThat(ops.get(2).argv()).containsExactly("bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "vnabcde1234567",
                "dst", "192.168.7.2");
    }

    @Test
    void peersThatComeAndGoTouchOnlyTheirOwnEntries() {
        assertThat(VxlanPlan.plan(desired(ME, Set.of(ME, B, C)), has("192.168.7.1", Set.of(B))))
                .containsExactly(new VxlanPlan.AddPeer("vnabcde1234567", C));
        assertThat(VxlanPlan.plan(desired(ME, Set.of(ME, C)), has("192.168.7.1", Set.of(B, C))))
                .containsExactly(new VxlanPlan.RemovePeer("vnabcde1234567", B));
        assertThat(VxlanPlan.plan(desired(ME, Set.of(B, C)), has("192.168.7.1", Set.of(B, C)))).isEmpty();
    }

    @Test
    void aChangedVtepAddressReplacesTheDeviceAndAWrongMtuOrBridgeIsMended() {
        Ipv4 moved = Ipv4.parse("192.168.7.9");
        assertThat(VxlanPlan.plan(desired(moved, Set.of(B)), has("192.168.7.1", Set.of(B)))).containsExactly(
                new VxlanPlan.Delete("vnabcde1234567"),
                new VxlanPlan.Create("vnabcde1234567", 5000, moved, 1450),
                new VxlanPlan.Enslave("vnabcde1234567", "vnabcdb1234567"),
                new VxlanPlan.AddPeer("vnabcde1234567", B));
        var loose = new VxlanPlan.Observed(true, 5000, "192.168.7.1", VxlanPlan.PORT, false, 1500, null, false, Set.of(B));
        assertThat(VxlanPlan.plan(desired(ME, Set.of(B)), loose)).containsExactly(
                new VxlanPlan.SetMtu("vnabcde1234567", 1450),
                new VxlanPlan.Enslave("vnabcde1234567", "vnabcdb1234567"));
    }

    @Test
    void theVtepAddressIsTheHostsAddressInTheCidr() {
        Ipv4Cidr cidr = Ipv4Cidr.parse("192.168.7.0/24");
        assertThat(VxlanPlan.vtepAddress(cidr, "h1", List.of("10.0.0.5/8", "192.168.7.12/24", "192.168.7.11"))).isEqualTo(
                Ipv4.parse("192.168.7.11"));
        assertThatThrownBy(() -> VxlanPlan.vtepAddress(cidr, "h1", List.of("10.0.0.5", "127.0.0.1")))
                .isInstanceOf(HostAgentException.class)
                .hasMessage("host h1 has no address in the VTEP cidr 192.168.7.0/24 (its addresses: [10.0.0.5, 127.0.0.1]);"
                        + " attach the VXLAN pool with the cidr of the hosts' data network");
    }
}
