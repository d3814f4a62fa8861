package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VXLAN across hosts, through the API only (root; skipped with the reason printed otherwise): a {@link MultiHostLab}
 * of three hosts whose VTEP addresses are on a data network of their own ({@code eth4}), a VXLAN pool attached to
 * their cluster with that network as VTEP cidr, a VXLAN guest L3 whose router runs on host 1 and guests on hosts 2
 * and 3: DHCP (with the MTU that fits the encapsulation), DNS, SNAT, EIP and port forwarding across hosts, every
 * packet between hosts encapsulated. Hosts joining (a fourth, whose guest reaches the others), changing their VTEP
 * address and leaving update every other host's FDB. Bad input (a VNI out of the pool's ranges or in use, a VTEP
 * cidr no host has an address in, a host joining without one) is refused with nothing made. Everything carries the
 * lab's prefix and is removed, also after a failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class MultiHostVxlanEndToEndTest {
    private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(60));
    private static final String GUEST_CIDR = "10.210.0.0/24";
    private static final int FIRST_VNI = 5000;
    @RegisterExtension
    static final MultiHostFixture fixture = new MultiHostFixture("MultiHostVxlanEndToEndTest", "vrouter-vxlanhosts-");
    private static MultiHostLab lab;
    private static TestNode node;
    private static MultiHostWorld world;
    private static String vtepCidr;
    private static MultiHostWorld.Vxlan vxlan;
    private static JsonNode guest2;
    private static JsonNode guest3;
    private static JsonNode router;

    @BeforeAll
    static void setUp() throws Exception {
        lab = fixture.open();
        vtepCidr = lab.addVtepNetwork("eth4");
        node = fixture.startNode();
        world = fixture.world(3, "vxlanhosts");
        vxlan = world.vxlanGuestNetwork("vx", vtepCidr, FIRST_VNI, GUEST_CIDR);
        guest2 = world.guestOn("vx-guest2", world.host(2), vxlan.l3());
        guest3 = world.guestOn("vx-guest3", world.host(3), vxlan.l3());
        router = world.routersOn(vxlan.l3()).get(0);
    }

    @Test
    @Order(1)
    void guestsOnHosts2And3_routerOnHost1_overVxlan_dhcpMtuDnsSnat() {
        assertThat(router.get("hostUuid").asText()).as("the router on host 1").isEqualTo(world.host(1));
        assertThat(guest2.get("hostUuid").asText()).isEqualTo(world.host(2));
        assertThat(guest3.get("hostUuid").asText()).isEqualTo(world.host(3));
        assertThat(vxlan.vni()).as("the VNI allocated from the pool's range").isEqualTo(FIRST_VNI);
        assertThat(node.admin().query("QueryVtep", "poolUuid", "=", vxlan.pool())).as("each host's VTEP, its address in the cidr")
                .extracting(v -> v.get("vtepIp").asText())
                .containsExactlyInAnyOrderElementsOf(lab.hosts().stream().map(lab::vtepAddress).toList());
        String routerGuestIp = SeedWorld.ipOn(router, vxlan.l3());
        for (JsonNode guest : List.of(guest2, guest3)) {
            GuestProbe probe = world.probe(guest);
            String ip = SeedWorld.ipOn(guest, vxlan.l3());
            assertThat(GuestProbe.await(Duration.ofSeconds(60), () -> ip.equals(probe.address()) ? ip : null))
                    .as("the lease of " + guest.get("name").asText() + " from the router on host 1, over VXLAN").isEqualTo(ip);
            assertThat(probe.defaultGateway()).isEqualTo(routerGuestIp);
            assertThat(mtu(world.namespaceOf(guest))).as("DHCP's MTU for a VXLAN L2 (option 26)").isEqualTo(1450);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.resolve(SeedWorld.OUTSIDE_NAME)))
                    .as("DNS through the router").isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                    .as("SNAT to the router's public address").isEqualTo(SeedWorld.ipOn(router, world.publicL3));
        }
        assertThat(ping(world.namespaceOf(guest2), SeedWorld.ipOn(guest3, vxlan.l3()), 3)).as("host 2 -> host 3 over VXLAN")
                .contains(" 0% packet loss");
        for (int i = 1; i <= 3; i++) {
            assertThat(floodsTo(i)).as("host " + i + "'s FDB: one entry per other host's VTEP").isEqualTo(vtepsBut(i, 3));
        }
        // the guest L2 has no uplink but the vxlan device: the guests' frames cannot have crossed any other way
        assertThat(guestBridgePorts(2)).as("host 2's bridge of the VXLAN L2").noneMatch(port -> port.startsWith("eth"));
    }

    @Test
    @Order(2)
    void eipAndPortForwardingFromTheOutsideToGuestsOnOtherHosts() throws InterruptedException {
        String guestIp = SeedWorld.ipOn(guest3, vxlan.l3());
        GuestProbe guest = world.probe(guest3);
        GuestProbe outside = new GuestProbe(world.outside.namespace());
        Process listener = GuestProbe.startPeerRecorder(world.namespaceOf(guest3), guestIp, Outside.PORT);
        try {
            JsonNode vip = world.api.inventory("CreateVip", "name", "vx-eip-vip", "l3NetworkUuid", world.publicL3);
            String vipIp = vip.get("ip").asText();
            world.api.inventory("CreateEip", "name", "vx-eip", "vipUuid", vip.get("uuid").asText(),
                    "vmNicUuid", guest3.get("vmNics").get(0).get("uuid").asText());
            assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> outside.sourceSeenBy(vipIp, Outside.PORT)))
                    .as("the outside reaches guest 3 at the EIP").isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                    .as("guest 3 goes out as the EIP").isEqualTo(vipIp);
        } finally {
            listener.destroy();
            listener.waitFor();
        }
        JsonNode pfVip = world.api.inventory("CreateVip", "name", "vx-pf-vip", "l3NetworkUuid", world.publicL3);
        String pfIp = pfVip.get("ip").asText();
        Process listener2 = GuestProbe.startPeerRecorder(world.namespaceOf(guest2), SeedWorld.ipOn(guest2, vxlan.l3()), Outside.PORT);
        try {
            world.api.inventory("CreatePortForwardingRule", "name", "vx-pf", "vipUuid", pfVip.get("uuid").asText(),
                    "vipPortStart", 2222, "privatePortStart", Outside.PORT, "protocolType", "TCP",
                    "vmNicUuid", guest2.get("vmNics").get(0).get("uuid").asText());
            assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> outside.sourceSeenBy(pfIp, 2222)))
                    .as("port 2222 of the VIP forwarded to guest 2 on host 2").isEqualTo(SeedWorld.OUTSIDE_IP);
        } finally {
            listener2.destroy();
            listener2.waitFor();
        }
    }

    @Test
    @Order(3)
    void aHostWhoseVtepAddressChanges_everyFdbFollowsOnReconnect() {
        MultiHostLab.Host host3 = lab.hosts().get(2);
        String old = lab.vtepAddress(host3);
        String moved = old.substring(0, old.lastIndexOf('.') + 1) + "200";
        // deleted first: deleting the primary address of a subnet takes its secondaries with it
        RUNNER.check(List.of("ip", "-n", host3.namespace(), "addr", "del", old + "/24", "dev", "eth4"), null);
        RUNNER.check(List.of("ip", "-n", host3.namespace(), "addr", "add", moved + "/24", "dev", "eth4"), null);
        try {
            world.api.ok("ReconnectHost", Map.of("uuid", world.host(3)));
            assertThat(node.admin().query("QueryVtep", "hostUuid", "=", world.host(3))).extracting(v -> v.get("vtepIp").asText())
                    .containsExactly(moved);
            assertThat(floodsTo(1)).as("host 1 floods to host 3's new address").contains(moved).doesNotContain(old);
            assertThat(floodsTo(2)).contains(moved).doesNotContain(old);
            assertThat(ping(world.namespaceOf(guest2), SeedWorld.ipOn(guest3, vxlan.l3()), 3)).contains(" 0% packet loss");
        } finally {
            // back as it was, for the tests that follow
            RUNNER.run(List.of("ip", "-n", host3.namespace(), "addr", "del", moved + "/24", "dev", "eth4"), null);
            RUNNER.run(List.of("ip", "-n", host3.namespace(), "addr", "add", old + "/24", "dev", "eth4"), null);
            world.api.ok("ReconnectHost", Map.of("uuid", world.host(3)));
        }
        assertThat(floodsTo(1)).contains(old).doesNotContain(moved);
    }

    @Test
    @Order(4)
    void aFourthHostAddedLater_itsGuestReachesTheOthersOverVxlan_thenItLeaves() {
        String host4 = world.addHost();
        JsonNode guest4 = world.guestOn("vx-guest4", host4, vxlan.l3());
        GuestProbe probe = world.probe(guest4);
        String ip = SeedWorld.ipOn(guest4, vxlan.l3());
        assertThat(GuestProbe.await(Duration.ofSeconds(60), () -> ip.equals(probe.address()) ? ip : null))
                .as("host 4's guest leases from the router on host 1").isEqualTo(ip);
        assertThat(ping(world.namespaceOf(guest4), SeedWorld.ipOn(guest2, vxlan.l3()), 3)).contains(" 0% packet loss");
        assertThat(ping(world.namespaceOf(guest4), SeedWorld.ipOn(guest3, vxlan.l3()), 3)).contains(" 0% packet loss");
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        for (int i = 1; i <= 4; i++) {
            assertThat(floodsTo(i)).as("host " + i + "'s FDB with host 4").isEqualTo(vtepsBut(i, 4));
        }

        world.api.ok("DestroyVmInstance", Map.of("uuid", guest4.get("uuid").asText()));
        world.api.ok("DeleteHost", Map.of("uuid", host4));
        assertThat(node.admin().query("QueryVtep", "poolUuid", "=", vxlan.pool())).as("host 4's VTEP went with it").hasSize(3);
        for (int i = 1; i <= 3; i++) {
            assertThat(floodsTo(i)).as("host " + i + " no longer floods to host 4").isEqualTo(vtepsBut(i, 3));
        }
        assertThat(ping(world.namespaceOf(guest2), SeedWorld.ipOn(guest3, vxlan.l3()), 2)).contains(" 0% packet loss");
    }

    @Test
    @Order(5)
    void badInput_vniOutOfRangeOrInUse_cidrWithoutHosts_hostWithoutVtep_clearErrorsNothingMade() {
        ApiClient api = node.admin();
        long l2sBefore = api.count("QueryL2Network");
        ApiReply outOfRange = api.call("CreateL2VxlanNetwork", Map.of("poolUuid", vxlan.pool(), "zoneUuid", world.zone,
                "name", "vx-bad", "vni", FIRST_VNI + 100));
        Infra.assertError(outOfRange, 400, "SYS.1007", "vni " + (FIRST_VNI + 100) + " is outside the VNI ranges ["
                + FIRST_VNI + "-" + (FIRST_VNI + 99) + "] of VXLAN pool vx-pool (" + vxlan.pool() + ")");
        ApiReply inUse = api.call("CreateL2VxlanNetwork", Map.of("poolUuid", vxlan.pool(), "zoneUuid", world.zone,
                "name", "vx-bad", "vni", vxlan.vni()));
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.errorDetails()).isEqualTo("vni " + vxlan.vni() + " of VXLAN pool vx-pool (" + vxlan.pool()
                + ") is in use by VXLAN network " + vxlan.l2());
        assertThat(api.count("QueryL2Network")).as("no L2 written").isEqualTo(l2sBefore);

        // a cidr none of the hosts has an address in: refused, naming each host and its addresses
        String pool = api.create("CreateL2VxlanNetworkPool", "zoneUuid", world.zone, "name", "vx-nowhere");
        api.create("CreateVniRange", "l2NetworkUuid", pool, "name", "vx-nowhere-vnis", "startVni", 9000, "endVni", 9009);
        ApiReply attach = api.call("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", pool, "clusterUuid", world.cluster,
                "systemTags", List.of(world.vtepCidrTag(pool, "192.0.2.0/24"))));
        assertThat(attach.status()).isEqualTo(400);
        assertThat(attach.errorDetails()).startsWith("cannot attach VXLAN pool " + pool + " to cluster " + world.cluster
                + " with VTEP cidr 192.0.2.0/24: host host1 (" + lab.hosts().get(0).managementIp() + ") has no VTEP address")
                .contains("has no address in the VTEP cidr 192.0.2.0/24").contains(lab.vtepAddress(lab.hosts().get(1)));
        assertThat(api.query("QueryL2VxlanNetworkPool", "uuid", "=", pool).get(0).get("attachedClusterUuids")).as("not attached")
                .isEmpty();
        assertThat(api.count("QueryVtep", "poolUuid", "=", pool)).as("no VTEP recorded").isZero();

        // a host without an address in the attached pool's cidr cannot join the cluster
        MultiHostLab.Host spare = lab.addHost();
        RUNNER.check(List.of("ip", "-n", spare.namespace(), "addr", "flush", "dev", "eth4"), null);
        long hostsBefore = api.count("QueryHost");
        ApiReply noVtep = api.call("AddNetnsHost", Map.of("clusterUuid", world.cluster, "name", "no-vtep",
                "managementIp", spare.managementIp(), "agentSecret", spare.secret()));
        assertThat(noVtep.status()).isEqualTo(400);
        assertThat(noVtep.errorDetails()).startsWith("host no-vtep (" + spare.managementIp() + ") has no VTEP address for VXLAN pool "
                + vxlan.pool()).contains("has no address in the VTEP cidr " + vtepCidr);
        assertThat(api.count("QueryHost")).as("no host written").isEqualTo(hostsBefore);
        assertThat(RUNNER.run(List.of("ip", "netns", "list"), null).stdout()).as("nothing made on the refused host")
                .doesNotContain(spare.namePrefix() + "-").doesNotContain(spare.namePrefix() + "fabric");
    }

    /** The VTEPs host {@code index}'s device of the guest VXLAN L2 floods to (its all-zero FDB entries). */
    private static Set<String> floodsTo(int index) {
        MultiHostLab.Host host = lab.hosts().get(index - 1);
        String out = RUNNER.check(List.of("bridge", "-n", host.namePrefix() + "fabric", "fdb", "show", "dev", device(host)), null).stdout();
        Set<String> peers = new TreeSet<>();
        out.lines().filter(l -> l.startsWith("00:00:00:00:00:00 ")).forEach(l -> {
            String[] words = l.split("\\s+");
            for (int i = 0; i < words.length - 1; i++) {
                if (words[i].equals("dst")) {
                    peers.add(words[i + 1]);
                }
            }
        });
        return peers;
    }

    /** The lab's VTEP addresses of hosts 1..{@code hosts} but host {@code index}'s. */
    private static Set<String> vtepsBut(int index, int hosts) {
        Set<String> vteps = new TreeSet<>();
        for (int i = 1; i <= hosts; i++) {
            if (i != index) {
                vteps.add(lab.vtepAddress(lab.hosts().get(i - 1)));
            }
        }
        return vteps;
    }

    /** The vxlan device of the guest L2 on a host: the only vxlan device in its fabric. */
    private static String device(MultiHostLab.Host host) {
        List<String> devices = RUNNER.check(List.of("ip", "-n", host.namePrefix() + "fabric", "-o", "link", "show", "type", "vxlan"), null)
                .stdout().lines().map(l -> l.split(":\\s+")[1].split("@")[0]).toList();
        assertThat(devices).as("vxlan devices on host " + host.index()).hasSize(1);
        return devices.get(0);
    }

    private static List<String> guestBridgePorts(int index) {
        MultiHostLab.Host host = lab.hosts().get(index - 1);
        String[] words = RUNNER.check(List.of("ip", "-n", host.namePrefix() + "fabric", "-o", "link", "show", "dev", device(host)), null)
                .stdout().split("\\s+");
        String bridge = null;
        for (int i = 0; i < words.length - 1; i++) {
            if (words[i].equals("master")) {
                bridge = words[i + 1];
            }
        }
        assertThat(bridge).as("the vxlan device is a port of the L2's bridge").isNotNull();
        return RUNNER.check(List.of("ip", "-n", host.namePrefix() + "fabric", "-o", "link", "show", "master", bridge), null)
                .stdout().lines().map(l -> l.split(":\\s+")[1].split("@")[0]).toList();
    }

    private static int mtu(String ns) {
        String out = RUNNER.check(List.of("ip", "-n", ns, "-o", "link", "show", "eth0"), null).stdout();
        String[] words = out.split("\\s+");
        for (int i = 0; i < words.length - 1; i++) {
            if (words[i].equals("mtu")) {
                return Integer.parseInt(words[i + 1]);
            }
        }
        throw new IllegalStateException("no mtu in " + out);
    }

    private static String ping(String ns, String ip, int count) {
        return RUNNER.run(List.of("ip", "netns", "exec", ns, "busybox", "ping", "-c", Integer.toString(count), "-W", "2", ip), null).stdout();
    }
}
