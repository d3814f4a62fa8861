package io.vrouter.hostagent;

import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.platform.process.CommandResult;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * VXLAN across "hosts" on one machine (root, {@link VxlanLab}): each host a namespace whose data interface is a veth
 * into an underlay bridge, with its own fabric; a guest namespace on each host's L2 bridge. Guests reach each other
 * only through the vxlan devices and their FDB entries.
 */
class VxlanFabricTest {
    private static final int VNI = 4242;
    private static final int MTU = 1500 - VxlanPlan.OVERHEAD;

    private final LinuxHost kernel = new LinuxHost();
    private final String l2 = UUID.randomUUID().toString().replace("-", "");
    private VxlanLab lab;

    @BeforeEach
    void setUp(@TempDir Path dir) {
        String reason = VxlanLab.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "needs a host for namespaces and VXLAN (root, iproute2, busybox): " + reason);
        lab = VxlanLab.open(dir);
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
            assertThat(HostTesting.leftovers(lab.prefix())).isEmpty();
        }
    }

    private static String guestIp(VxlanLab.Host h) {
        return "10.200.0." + h.index();
    }

    private String guest(VxlanLab.Host h) {
        return lab.addGuest(h, l2, guestIp(h) + "/24", MTU);
    }

    private CommandResult ping(String fromNs, VxlanLab.Host to, int size) {
        return kernel.run("ip", "netns", "exec", fromNs, "busybox", "ping", "-c", "2", "-W", "2", "-s", Integer.toString(size), guestIp(to));
    }

    @Test
    void guestsOnTwoHostsReachEachOtherAndAThirdHostChangesOneFdbEntryOnEach() {
        VxlanLab.Host h1 = lab.addHost();
        VxlanLab.Host h2 = lab.addHost();
        assertThat(lab.syncVxlan(h1, l2, VNI)).hasSize(3); // create, enslave, one peer
        assertThat(lab.syncVxlan(h2, l2, VNI)).hasSize(3);
        String g1 = guest(h1);
        String g2 = guest(h2);

        // a full-sized guest frame crosses (1450 - 20 IP - 8 ICMP)
        CommandResult ping = ping(g1, h2, MTU - 28);
        assertThat(ping.succeeded()).as("ping across VXLAN: %s %s", ping.stdout(), ping.stderr()).isTrue();
        // the device is what the plan says: VNI, local VTEP, port 4789, no learning, a port of the L2's bridge
        VxlanPlan.Observed seen = h1.observe(l2);
        assertThat(seen.vni()).isEqualTo(VNI);
        assertThat(seen.local()).isEqualTo("192.168.77.1");
        assertThat(seen.port()).isEqualTo(4789);
        assertThat(seen.learning()).isFalse();
        assertThat(seen.mtu()).isEqualTo(MTU);
        assertThat(seen.master()).isEqualTo(h1.bridge(l2));
        assertThat(lab.syncVxlan(h1, l2, VNI)).as("again: nothing to do").isEmpty();

        // a third host joins: one FDB entry more on each of the others, nothing else touched
        VxlanLab.Host h3 = lab.addHost();
        lab.syncVxlan(h3, l2, VNI);
        String g3 = guest(h3);
        Ipv4 third = h3.dataAddress();
        assertThat(lab.syncVxlan(h1, l2, VNI)).containsExactly(new VxlanPlan.AddPeer(h1.vxlanDevice(l2), third));
        assertThat(lab.syncVxlan(h2, l2, VNI)).containsExactly(new VxlanPlan.AddPeer(h2.vxlanDevice(l2), third));
        assertThat(h1.peers(l2)).contains(Set.of(h2.dataAddress(), third));
        assertThat(h2.peers(l2)).contains(Set.of(h1.dataAddress(), third));
        assertThat(ping(g1, h3, 56).succeeded()).isTrue();
        assertThat(ping(g3, h2, 56).succeeded()).isTrue();

        // it leaves: its entries go from the others, and it is unreachable while the first two still talk
        lab.removeHost(h3, l2);
        assertThat(lab.syncVxlan(h1, l2, VNI)).containsExactly(new VxlanPlan.RemovePeer(h1.vxlanDevice(l2), third));
        assertThat(lab.syncVxlan(h2, l2, VNI)).containsExactly(new VxlanPlan.RemovePeer(h2.vxlanDevice(l2), third));
        assertThat(h1.peers(l2)).contains(Set.of(h2.dataAddress()));
        assertThat(h2.peers(l2)).contains(Set.of(h1.dataAddress()));
        assertThat(ping(g1, h3, 56).succeeded()).isFalse();
        assertThat(ping(g1, h2, 56).succeeded()).isTrue();
    }

    @Test
    void withoutItsPeerEntryAGuestIsUnreachable() {
        VxlanLab.Host h1 = lab.addHost();
        VxlanLab.Host h2 = lab.addHost();
        lab.syncVxlan(h1, l2, VNI, Set.of());
        lab.syncVxlan(h2, l2, VNI, Set.of());
        String g1 = guest(h1);
        guest(h2);
        assertThat(ping(g1, h2, 56).succeeded()).as("no FDB entry, no flooding: no path").isFalse();
        lab.syncVxlan(h1, l2, VNI);
        lab.syncVxlan(h2, l2, VNI);
        assertThat(ping(g1, h2, 56).succeeded()).isTrue();
    }

    @Test
    void aCidrWithNoAddressOfTheHostIsAClearError() {
        VxlanLab.Host h1 = lab.addHost();
        assertThatThrownBy(() -> h1.vtepAddress(Ipv4Cidr.parse("172.31.0.0/16")))
                .isInstanceOf(HostAgentException.class)
                .hasMessageStartingWith("host host-1 has no address in the VTEP cidr 172.31.0.0/16 (its addresses: [127.0.0.1, 192.168.77.1]);");
        // a VTEP address the host does not have: refused before anything is made
        assertThatThrownBy(() -> lab.syncVxlan(h1, l2, VNI, Ipv4.parse("172.31.0.9"), Set.of()))
                .isInstanceOf(HostAgentException.class)
                .hasMessage("host host-1 has no address 172.31.0.9 for the VTEP of L2 " + l2 + " (VNI " + VNI + ")");
        assertThat(lab.fabricLinks(h1)).doesNotContain(h1.bridge(l2), h1.vxlanDevice(l2));
    }
}
