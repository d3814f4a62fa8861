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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several hosts, through the API only (root; skipped with the reason printed otherwise): a {@link MultiHostLab} of
 * three hosts, each a namespace with its own host agent process, the management node in this machine's initial
 * namespace reaching them over the management underlay only. A guest on host 2 and one on host 3 on a VLAN guest
 * network whose router runs on host 1: DHCP, DNS, SNAT, EIP, port forwarding end to end across hosts; a host agent
 * killed and restarted (Disconnected, VMs Unknown, then Connected, and a ping between the guests never
 * interrupted); a fourth host added later; bad input refused with nothing made. Everything carries the lab's
 * prefix and is removed, also after a failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class MultiHostEndToEndTest {
    private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(60));
    @RegisterExtension
    static final MultiHostFixture fixture = new MultiHostFixture("MultiHostEndToEndTest", "vrouter-multihost-");
    private static MultiHostLab lab;
    private static TestNode node;
    private static MultiHostWorld world;
    private static JsonNode guest2;
    private static JsonNode guest3;
    private static JsonNode router;

    @BeforeAll
    static void setUp() throws Exception {
        lab = fixture.open();
        node = fixture.startNode();
        fixture.pingHostsEverySecond();
        world = fixture.world(3, "multihost");
        guest2 = world.guestOn("guest2", world.host(2));
        guest3 = world.guestOn("guest3", world.host(3));
        router = world.routersOn(world.guestL3).get(0);
    }

    @Test
    @Order(1)
    void guestsOnHosts2And3_routerOnHost1_dhcpDnsSnatAcrossHosts() {
        assertThat(router.get("hostUuid").asText()).as("the router on host 1").isEqualTo(world.host(1));
        assertThat(guest2.get("hostUuid").asText()).isEqualTo(world.host(2));
        assertThat(guest3.get("hostUuid").asText()).isEqualTo(world.host(3));
        String routerGuestIp = SeedWorld.ipOn(router, world.guestL3);
        for (JsonNode guest : List.of(guest2, guest3)) {
            GuestProbe probe = world.probe(guest);
            String ip = SeedWorld.ipOn(guest, world.guestL3);
            assertThat(GuestProbe.await(Duration.ofSeconds(60), () -> ip.equals(probe.address()) ? ip : null))
                    .as("the lease of " + guest.get("name").asText() + " from the router on another host").isEqualTo(ip);
            assertThat(probe.defaultGateway()).isEqualTo(routerGuestIp);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.resolve(SeedWorld.OUTSIDE_NAME)))
                    .as("DNS through the router").isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                    .as("SNAT to the router's public address").isEqualTo(SeedWorld.ipOn(router, world.publicL3));
        }
        assertThat(ping(world.namespaceOf(guest2), SeedWorld.ipOn(guest3, world.guestL3), 3)).as("host 2 -> host 3 over the VLAN")
                .contains(" 0% packet loss");
        assertThat(node.admin().query("QueryHost", "clusterUuid", "=", world.cluster)).allSatisfy(h -> {
            assertThat(h.get("status").asText()).isEqualTo("Connected");
            assertThat(h.get("availableCpuCapacity").asLong()).as("CPUs reserved on " + h.get("name").asText())
                    .isLessThan(h.get("totalCpuCapacity").asLong());
        });
    }

    @Test
    @Order(2)
    void eipAndPortForwardingFromTheOutsideToAGuestOnAnotherHost() throws InterruptedException {
        String nic = guest3.get("vmNics").get(0).get("uuid").asText();
        String guestIp = SeedWorld.ipOn(guest3, world.guestL3);
        GuestProbe guest = world.probe(guest3);
        GuestProbe outside = new GuestProbe(world.outside.namespace());
        Process listener = GuestProbe.startPeerRecorder(world.namespaceOf(guest3), guestIp, Outside.PORT);
        try {
            JsonNode vip = world.api.inventory("CreateVip", "name", "eip-vip", "l3NetworkUuid", world.publicL3);
            String vipIp = vip.get("ip").asText();
            world.api.inventory("CreateEip", "name", "eip", "vipUuid", vip.get("uuid").asText(), "vmNicUuid", nic);
            assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> outside.sourceSeenBy(vipIp, Outside.PORT)))
                    .as("the outside reaches guest 3 at the EIP").isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                    .as("guest 3 goes out as the EIP").isEqualTo(vipIp);

            String nic2 = guest2.get("vmNics").get(0).get("uuid").asText();
            JsonNode pfVip = world.api.inventory("CreateVip", "name", "pf-vip", "l3NetworkUuid", world.publicL3);
            String pfIp = pfVip.get("ip").asText();
            Process listener2 = GuestProbe.startPeerRecorder(world.namespaceOf(guest2), SeedWorld.ipOn(guest2, world.guestL3), Outside.PORT);
            try {
                world.api.inventory("CreatePortForwardingRule", "name", "pf", "vipUuid", pfVip.get("uuid").asText(), "vipPortStart", 2222,
                        "privatePortStart", Outside.PORT, "protocolType", "TCP", "vmNicUuid", nic2);
                assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> outside.sourceSeenBy(pfIp, 2222)))
                        .as("port 2222 of the VIP forwarded to guest 2 on host 2").isEqualTo(SeedWorld.OUTSIDE_IP);
            } finally {
                listener2.destroy();
                listener2.waitFor();
            }
        } finally {
            listener.destroy();
            listener.waitFor();
        }
    }

    @Test
    @Order(3)
    void aHostAgentKilledAndRestarted_disconnectedThenConnected_guestTrafficNeverInterrupted() throws Exception {
        ApiClient api = node.admin();
        MultiHostLab.Host host2 = world.labHost(world.host(2));
        String target = SeedWorld.ipOn(guest3, world.guestL3);
        // 0.2 s apart for the whole outage: a lost packet shows in the summary
        Process ping = new ProcessBuilder("ip", "netns", "exec", world.namespaceOf(guest2), "busybox", "ping", "-i", "0.2", "-w", "25",
                target).redirectErrorStream(true).start();
        lab.killAgent(host2);
        assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> status(api, world.host(2)).equals("Disconnected") ? "yes" : null))
                .as("host 2 Disconnected after missed pings").isEqualTo("yes");
        assertThat(vmState(api, guest2)).as("its VM").isEqualTo("Unknown");
        assertThat(vmState(api, guest3)).as("a VM of another host").isEqualTo("Running");
        lab.startAgent(host2);
        assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> status(api, world.host(2)).equals("Connected") ? "yes" : null))
                .as("host 2 Connected again").isEqualTo("yes");
        assertThat(vmState(api, guest2)).isEqualTo("Running");
        String out = new String(ping.getInputStream().readAllBytes());
        ping.waitFor();
        assertThat(out).as("the guests' ping across the agent's outage").contains(" 0% packet loss");

        api.ok("ReconnectHost", Map.of("uuid", world.host(2)));
        assertThat(status(api, world.host(2))).as("ReconnectHost").isEqualTo("Connected");
        assertThat(ping(world.namespaceOf(guest2), target, 2)).as("after the reconnect's reconcile").contains(" 0% packet loss");
    }

    @Test
    @Order(4)
    void aFourthHostAddedLater_itsGuestReachesTheOthers() {
        String host4 = world.addHost();
        JsonNode guest4 = world.guestOn("guest4", host4);
        GuestProbe probe = world.probe(guest4);
        String ip = SeedWorld.ipOn(guest4, world.guestL3);
        assertThat(GuestProbe.await(Duration.ofSeconds(60), () -> ip.equals(probe.address()) ? ip : null)).isEqualTo(ip);
        assertThat(ping(world.namespaceOf(guest4), SeedWorld.ipOn(guest2, world.guestL3), 3)).contains(" 0% packet loss");
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);

        JsonNode before = world.api.query("QueryHost", "uuid", "=", host4).get(0);
        assertThat(before.get("availableMemoryCapacity").asLong()).as("the guest's memory reserved on host 4")
                .isEqualTo(before.get("totalMemoryCapacity").asLong() - (64L << 20));
        world.api.ok("DestroyVmInstance", Map.of("uuid", guest4.get("uuid").asText()));
        JsonNode after = world.api.query("QueryHost", "uuid", "=", host4).get(0);
        assertThat(after.get("availableMemoryCapacity").asLong()).as("given back on destroy").isEqualTo(after.get("totalMemoryCapacity").asLong());
        assertThat(after.get("availableCpuCapacity").asLong()).isEqualTo(after.get("totalCpuCapacity").asLong());
    }

    @Test
    @Order(5)
    void badInput_wrongSecretAndUnknownInterface_clearErrorsNothingMade() {
        ApiClient api = node.admin();
        MultiHostLab.Host spare = lab.addHost();
        long hostsBefore = api.count("QueryHost");
        ApiReply wrongSecret = api.call("AddNetnsHost", Map.of("clusterUuid", world.cluster, "name", "intruder",
                "managementIp", spare.managementIp(), "agentSecret", "not-the-secret-of-this-host"));
        Infra.assertError(wrongSecret, 400, "SYS.1007", "the host agent of Netns host intruder at " + spare.agentUrl()
                + " refused the secret (HTTP 401): give the content of its --secret-file as agentSecret");

        String cluster2 = api.create("CreateCluster", "zoneUuid", world.zone, "name", "c2", "hypervisorType", "Netns");
        String l2 = api.create("CreateL2NoVlanNetwork", "zoneUuid", world.zone, "name", "on-eth9", "physicalInterface", "eth9");
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", cluster2));
        ApiReply noInterface = api.call("AddNetnsHost", Map.of("clusterUuid", cluster2, "name", "no-eth9",
                "managementIp", spare.managementIp(), "agentSecret", spare.secret()));
        Infra.assertError(noInterface, 400, "SYS.1007", "host no-eth9 (" + spare.managementIp() + ") has no physical interface eth9,"
                + " which L2 network(s) [on-eth9] attached to its cluster need");
        assertThat(api.count("QueryHost")).as("no host written").isEqualTo(hostsBefore);
        assertThat(namespacesOf(spare.namePrefix())).as("nothing made on the refused host").isEmpty();

        // an L2 attached after the hosts joined: a VM on it is refused by its host before anything is made there
        String l2b = api.create("CreateL2NoVlanNetwork", "zoneUuid", world.zone, "name", "late-eth9", "physicalInterface", "eth9");
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2b, "clusterUuid", world.cluster));
        String l3 = api.create("CreateL3Network", "l2NetworkUuid", l2b, "name", "late-l3", "system", false);
        api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "late", "networkCidr", "10.201.0.0/24"));
        ApiReply vm = api.call("CreateVmInstance", Map.of("name", "nowhere", "instanceOfferingUuid", world.userOffering,
                "imageUuid", world.userImage, "l3NetworkUuids", List.of(l3), "hostUuid", world.host(3)));
        assertThat(vm.status()).isEqualTo(500);
        assertThat(vm.errorDetails()).contains("this host has no physical interface eth9");
        assertThat(api.count("QueryVmInstance", "name", "=", "nowhere")).as("the VM rolled back").isZero();
        assertThat(namespacesOf(world.labHost(world.host(3)).namePrefix())).as("host 3 holds its one VM's namespace only")
                .hasSize(1);
    }

    private static String status(ApiClient api, String hostUuid) {
        return api.query("QueryHost", "uuid", "=", hostUuid).get(0).get("status").asText();
    }

    private static String vmState(ApiClient api, JsonNode vm) {
        return api.query("QueryVmInstance", "uuid", "=", vm.get("uuid").asText()).get(0).get("state").asText();
    }

    private static String ping(String ns, String ip, int count) {
        return RUNNER.run(List.of("ip", "netns", "exec", ns, "busybox", "ping", "-c", Integer.toString(count), "-W", "2", ip), null).stdout();
    }

    /** VM namespaces a host's agent made (its fabric excepted). */
    private static List<String> namespacesOf(String hostPrefix) {
        return RUNNER.run(List.of("ip", "netns", "list"), null).stdout().lines().map(l -> l.split("\\s+")[0])
                .filter(n -> n.startsWith(hostPrefix + "-")).toList();
    }
}
