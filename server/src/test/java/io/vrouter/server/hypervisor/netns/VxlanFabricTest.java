package io.vrouter.server.hypervisor.netns;

import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.server.hypervisor.HypervisorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * VXLAN across "hosts" on one machine (root): each host a namespace whose data interface is a veth into an underlay
 * bridge (the datacenter network), with its own fabric; a guest namespace on each host's L2 bridge. Guests reach each
 * other only through the vxlan devices and their FDB entries.
 */
class VxlanFabricTest {
    private static final Ipv4Cidr UNDERLAY = Ipv4Cidr.parse("192.168.77.0/24");
    private static final int VNI = 4242;

    private final LinuxHost kernel = new LinuxHost();
    private final String base = randomBase();
    private final String l2 = UUID.randomUUID().toString().replace("-", "");
    private final List<TestHost> hosts = new ArrayList<>();
    private Path dir;

    /** One host: its namespace with the data interface, its fabric and VXLAN, its guest. */
    private record TestHost(int index, String ns, NetnsHost host, Fabric fabric, VxlanFabric vxlan, String guestNs) {
        Ipv4 vtep() {
            return vxlan.vtepAddress(UNDERLAY);
        }

        String guestIp() {
            return "10.200.0." + index;
        }
    }

    private static String randomBase() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz";
        SecureRandom random = new SecureRandom();
        StringBuilder b = new StringBuilder("vq");
        for (int i = 0; i < 3; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @BeforeEach
    void setUp(@TempDir Path dir) {
        String reason = new NetnsHostConnector().problems();
        Assumptions.assumeTrue(reason == null, () -> "needs a Netns-capable host (root, iproute2): " + reason);
        Assumptions.assumeTrue(kernel.run("ip", "link", "add", base + "probe", "type", "vxlan", "id", "1", "dstport", "4789").succeeded(),
                () -> "needs the vxlan kernel module");
        kernel.run("ip", "link", "del", base + "probe");
        this.dir = dir;
        String underlay = base + "u";
        kernel.addNamespace(underlay);
        kernel.check("ip", "-n", underlay, "link", "add", "ubr", "type", "bridge");
        kernel.check("ip", "-n", underlay, "link", "set", "ubr", "up");
    }

    @AfterEach
    void tearDown() {
        // everything this test made carries its base prefix: namespaces (hosts, fabrics, guests, underlay) and links
        for (String ns : kernel.namespaces()) {
            if (ns.startsWith(base)) {
                kernel.deleteNamespace(ns);
            }
        }
        for (String link : kernel.links()) {
            if (link.startsWith(base)) {
                kernel.run("ip", "link", "del", link);
            }
        }
        assertThat(NetnsTesting.leftovers(base)).isEmpty();
    }

    private TestHost addHost(int index) {
        String ns = base + index + "host";
        kernel.addNamespace(ns);
        String up = base + index + "up";
        String data = base + index + "data";
        kernel.check("ip", "link", "add", up, "type", "veth", "peer", "name", data, "netns", ns);
        kernel.check("ip", "link", "set", up, "netns", base + "u");
        kernel.check("ip", "-n", base + "u", "link", "set", up, "master", "ubr", "up");
        kernel.check("ip", "-n", ns, "addr", "add", "192.168.77." + index + "/24", "dev", data);
        kernel.check("ip", "-n", ns, "link", "set", data, "up");
        kernel.check("ip", "-n", ns, "link", "set", "lo", "up");
        NetnsHost host = new NetnsHost("host-" + index, new NetnsNames(base + index), dir.resolve("h" + index), kernel);
        Fabric fabric = new Fabric(host, BigTcp.of(0));
        TestHost h = new TestHost(index, ns, host, fabric, new VxlanFabric(host, fabric, ns), base + index + "g");
        hosts.add(h);
        return h;
    }

    /** A guest on the host's L2: a namespace with a veth on the L2's bridge, its MTU what DHCP option 26 would give. */
    private void addGuest(TestHost h, int mtu) {
        kernel.addNamespace(h.guestNs());
        h.fabric().plug(Fabric.L2.withoutVlan(l2), h.host().names().hostVeth(UUID.randomUUID().toString()), h.guestNs(), "eth0", null);
        kernel.check("ip", "-n", h.guestNs(), "addr", "add", h.guestIp() + "/24", "dev", "eth0");
        kernel.check("ip", "-n", h.guestNs(), "link", "set", "eth0", "mtu", Integer.toString(mtu));
    }

    private Set<Ipv4> vteps() {
        Set<Ipv4> vteps = new LinkedHashSet<>();
        hosts.forEach(h -> vteps.add(h.vtep()));
        return vteps;
    }

    private List<VxlanPlan.Op> apply(TestHost h) {
        return h.vxlan().apply(l2, VNI, h.vtep(), vteps());
    }

    private CommandResult ping(TestHost from, TestHost to, int size) {
        return kernel.run("ip", "netns", "exec", from.guestNs(), "busybox", "ping", "-c", "2", "-W", "2", "-s",
                Integer.toString(size), to.guestIp());
    }

    @Test
    void guestsOnTwoHostsReachEachOtherAndAThirdHostChangesOneFdbEntryOnEach() {
        TestHost h1 = addHost(1);
        TestHost h2 = addHost(2);
        assertThat(apply(h1)).hasSize(3); // create, enslave, one peer
        assertThat(apply(h2)).hasSize(3);
        int mtu = 1500 - VxlanPlan.OVERHEAD;
        addGuest(h1, mtu);
        addGuest(h2, mtu);

        // a full-sized guest frame crosses (1450 - 20 IP - 8 ICMP)
        CommandResult ping = ping(h1, h2, mtu - 28);
        assertThat(ping.succeeded()).as("ping across VXLAN: %s %s", ping.stdout(), ping.stderr()).isTrue();
        // the device is what the plan says: VNI, local VTEP, port 4789, no learning, a port of the L2's bridge
        VxlanPlan.Observed seen = h1.vxlan().observe(h1.host().names().vxlan(l2));
        assertThat(seen.vni()).isEqualTo(VNI);
        assertThat(seen.local()).isEqualTo("192.168.77.1");
        assertThat(seen.port()).isEqualTo(4789);
        assertThat(seen.learning()).isFalse();
        assertThat(seen.mtu()).isEqualTo(mtu);
        assertThat(seen.master()).isEqualTo(h1.host().names().bridge(l2));
        assertThat(h1.vxlan().apply(l2, VNI, h1.vtep(), vteps())).as("again: nothing to do").isEmpty();

        // a third host joins: one FDB entry more on each of the others, nothing else touched
        TestHost h3 = addHost(3);
        apply(h3);
        addGuest(h3, mtu);
        Ipv4 third = Ipv4.parse("192.168.77.3");
        assertThat(apply(h1)).containsExactly(new VxlanPlan.AddPeer(h1.host().names().vxlan(l2), third));
        assertThat(apply(h2)).containsExactly(new VxlanPlan.AddPeer(h2.host().names().vxlan(l2), third));
        assertThat(h1.vxlan().peers(l2)).contains(Set.of(Ipv4.parse("192.168.77.2"), third));
        assertThat(h2.vxlan().peers(l2)).contains(Set.of(Ipv4.parse("192.168.77.1"), third));
        assertThat(ping(h1, h3, 56).succeeded()).isTrue();
        assertThat(ping(h3, h2, 56).succeeded()).isTrue();

        // it leaves: its entries go from the others, and it is unreachable while the first two still talk
        hosts.remove(h3);
        h3.vxlan().remove(l2);
        assertThat(apply(h1)).containsExactly(new VxlanPlan.RemovePeer(h1.host().names().vxlan(l2), third));
        assertThat(apply(h2)).containsExactly(new VxlanPlan.RemovePeer(h2.host().names().vxlan(l2), third));
        assertThat(h1.vxlan().peers(l2)).contains(Set.of(Ipv4.parse("192.168.77.2")));
        assertThat(h2.vxlan().peers(l2)).contains(Set.of(Ipv4.parse("192.168.77.1")));
        assertThat(ping(h1, h3, 56).succeeded()).isFalse();
        assertThat(ping(h1, h2, 56).succeeded()).isTrue();
    }

    @Test
    void withoutItsPeerEntryAGuestIsUnreachable() {
        TestHost h1 = addHost(1);
        TestHost h2 = addHost(2);
        h1.vxlan().apply(l2, VNI, h1.vtep(), Set.of());
        h2.vxlan().apply(l2, VNI, h2.vtep(), Set.of());
        addGuest(h1, 1450);
        addGuest(h2, 1450);
        assertThat(ping(h1, h2, 56).succeeded()).as("no FDB entry, no flooding: no path").isFalse();
        apply(h1);
        apply(h2);
        assertThat(ping(h1, h2, 56).succeeded()).isTrue();
    }

    @Test
    void aCidrWithNoAddressOfTheHostIsAClearError() {
        TestHost h1 = addHost(1);
        assertThatThrownBy(() -> h1.vxlan().vtepAddress(Ipv4Cidr.parse("172.31.0.0/16")))
                .isInstanceOf(HypervisorException.class)
                .hasMessageStartingWith("host host-1 has no address in the VTEP cidr 172.31.0.0/16 (its addresses: [127.0.0.1, 192.168.77.1]);");
    }
}
