package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.HostCheck;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VRRP pairs across hosts, through the API only, with real packets (root; skipped with the reason otherwise): a
 * {@link MultiHostLab} of four hosts, ten HA guest L3s whose pairs' routers the node puts on two different hosts
 * (host 1 and host 2 or 3; every master made host 1's), every guest on host 4. The host of the masters is powered off (every process of it killed, its namespaces
 * gone, its cables cut) while the guests ping: all ten pairs fail over at once, a guest's ping loss is printed, an
 * established TCP connection through SNAT and one through an EIP still carry data, a fresh DHCP exchange and a DNS
 * lookup work, haStatus flips; then the node, having confirmed the host dead, brings every pair back to two on the
 * remaining hosts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class MultiHostHaTest {
    private static final int ECHO_OUTSIDE = 8083;
    private static final int ECHO_GUEST = 9002;
    private static final int PAIRS = 10;
    private static final Duration LEASE = Duration.ofSeconds(90);
    @RegisterExtension
    static final MultiHostFixture fixture = new MultiHostFixture("MultiHostHaTest", "vrouter-multihost-ha-",
            () -> HostCheck.onPath("keepalived") && HostCheck.onPath("conntrackd") ? null
                    : "needs keepalived and conntrackd (./vrouter installs them)");
    private static MultiHostLab lab;
    private static TestNode node;
    private static MultiHostWorld world;
    private static ApiClient api;
    private static JsonNode guest;
    private static JsonNode eipGuest;
    private static String vipIp;
    private static final List<HaHostDeath.HaL3> haL3s = new ArrayList<>();
    private static final List<Process> processes = new ArrayList<>();
    private static GuestProbe.Conversation viaSnat;
    private static GuestProbe.Conversation viaEip;
    private static String deadHost;

    @BeforeAll
    static void setUp() throws Exception {
        fixture.closeFirst(
                () -> { if (viaSnat != null) viaSnat.close(); },
                () -> { if (viaEip != null) viaEip.close(); },
                () -> processes.forEach(Process::destroyForcibly));
        lab = fixture.open();
        node = fixture.startNode();
        api = node.admin();
        api.ok("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "ping.interval", "value", "1"));
        api.ok("UpdateGlobalConfig", Map.of("category", "hostFailure", "name", "confirm.time", "value", "2"));
        // the host's death is the failure detector's to confirm (its routers move); the agent's ping misses alone
        // would only make its VMs Unknown
        api.ok("UpdateGlobalConfig", Map.of("category", "host", "name", "ping.maxMisses", "value", "30"));
        world = fixture.world(4, "multihost-ha", 64);

        // the pairs on hosts 1-3 (host 4 disabled meanwhile), the guests on host 4, every master on host 1
        api.ok("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", world.guestL3, "tag", "virtualRouterHa::VRRP"));
        api.ok("ChangeHostState", Map.of("uuid", world.host(4), "stateEvent", "disable"));
        world.guestOn("ha-seed", world.host(1));
        List<String> l3s = new ArrayList<>(List.of(world.guestL3));
        l3s.addAll(HaHostDeath.createSeeded(world, "ha", PAIRS - 1, 0, world.host(1), 3));
        api.ok("ChangeHostState", Map.of("uuid", world.host(4), "stateEvent", "enable"));
        guest = world.guestOn("ha-guest", world.host(4));
        eipGuest = world.guestOn("ha-eip", world.host(4));
        haL3s.add(new HaHostDeath.HaL3(world.guestL3, "guest-l3", guest, world.namespaceOf(guest),
                guest.get("vmNics").get(0).get("gateway").asText()));
        haL3s.addAll(HaHostDeath.addGuests(world, "ha", l3s.subList(1, l3s.size()), world.host(4), 3));
        HaHostDeath.mastersOn(world, world.host(1), l3s);

        JsonNode vip = api.inventory("CreateVip", "name", "ha-vip", "l3NetworkUuid", world.publicL3);
        vipIp = vip.get("ip").asText();
        api.inventory("CreateEip", "name", "ha-eip", "vipUuid", vip.get("uuid").asText(),
                "vmNicUuid", eipGuest.get("vmNics").get(0).get("uuid").asText());
        assertThat(GuestProbe.await(LEASE, world.probe(guest)::address)).isEqualTo(SeedWorld.ipOn(guest, world.guestL3));
        String eipGuestIp = GuestProbe.await(LEASE, world.probe(eipGuest)::address);
        assertThat(eipGuestIp).isEqualTo(SeedWorld.ipOn(eipGuest, world.guestL3));
        processes.add(GuestProbe.startPeerRecorder(world.outside.namespace(), SeedWorld.OUTSIDE_IP,
                PeerRecorder.Listener.echo(ECHO_OUTSIDE)));
        processes.add(GuestProbe.startPeerRecorder(world.namespaceOf(eipGuest), eipGuestIp, PeerRecorder.Listener.echo(ECHO_GUEST)));
    }

    @Test
    @Order(1)
    void eachPairsRoutersOnTwoHosts_oneMaster_servicesAndConnectionsWork() {
        for (HaHostDeath.HaL3 l3 : haL3s) {
            Map<String, String> hosts = HaHostDeath.routerHosts(world, l3.uuid());
            assertThat(hosts).as("two routers for " + l3.name()).hasSize(2);
            assertThat(new HashSet<>(hosts.values())).as("the routers of " + l3.name() + " on two different hosts").hasSize(2);
            assertThat(HaFailover.awaitMaster(api, l3.uuid(), Duration.ofSeconds(60), true))
                    .as("a master and a backup for " + l3.name() + ": " + HaFailover.haStatuses(api, l3.uuid())).isNotNull();
        }
        for (HaHostDeath.HaL3 l3 : haL3s) {
            String master = HaFailover.awaitMaster(api, l3.uuid(), Duration.ofSeconds(5), true);
            assertThat(HaHostDeath.routerHosts(world, l3.uuid()).get(master)).as("the master of " + l3.name() + " on host 1")
                    .isEqualTo(world.host(1));
            assertThat(HaHostDeath.routerHosts(world, l3.uuid())).as("no router on the guests' host").doesNotContainValue(world.host(4));
        }
        deadHost = world.host(1);

        GuestProbe probe = world.probe(guest);
        assertThat(probe.defaultGateway()).isEqualTo(haL3s.get(0).gateway());
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        viaSnat = probe.converse(SeedWorld.OUTSIDE_IP, ECHO_OUTSIDE);
        assertThat(viaSnat.receive(Duration.ofSeconds(10))).startsWith("peer ");
        assertThat(viaSnat.exchange("snat-hello", Duration.ofSeconds(10))).isEqualTo("snat-hello");
        viaEip = new GuestProbe(world.outside.namespace()).converse(vipIp, ECHO_GUEST);
        assertThat(viaEip.receive(Duration.ofSeconds(10))).isEqualTo("peer " + SeedWorld.OUTSIDE_IP);
        assertThat(viaEip.exchange("eip-hello", Duration.ofSeconds(10))).isEqualTo("eip-hello");
    }

    @Test
    @Order(2)
    void theMastersHostDies_tenPairsFailOverAtOnce_flowsSurvive_dhcpDnsWork_haStatusFlips() throws Exception {
        Assumptions.assumeTrue(deadHost != null, "the pairs were not set up");
        Map<String, String> before = HaHostDeath.routerHosts(world, world.guestL3);
        String oldMaster = before.entrySet().stream().filter(e -> e.getValue().equals(deadHost)).findFirst().orElseThrow().getKey();
        String survivor = before.keySet().stream().filter(vr -> !vr.equals(oldMaster)).findFirst().orElseThrow();

        HaFailover.PingRun outward = HaFailover.startPing(haL3s.get(0).guestNs(), SeedWorld.OUTSIDE_IP, 10, Duration.ofSeconds(8));
        HaHostDeath.Outcome outcome = HaHostDeath.powerOff(world, world.labHost(deadHost), deadHost, haL3s, 10, Duration.ofSeconds(6),
                Duration.ofSeconds(30));
        HaFailover.PingResult result = outward.finish();
        System.out.printf("MultiHostHaTest host death: guest -> outside %d of %d pings lost, longest gap %d ms; %s%n", result.lost(),
                result.sent(), result.longestGapMillis(), outcome.summary());

        assertThat(outcome.withoutMaster()).as("pairs with no master after the host died").isEmpty();
        outcome.longestGapMillis().forEach((l3, gap) -> assertThat(gap).as("the guest of " + l3 + " reached its gateway again")
                .isLessThan(6000));
        assertThat(HaFailover.awaitStatus(api, world.guestL3, survivor, "Master", Duration.ofSeconds(10))).isTrue();
        assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> "Master".equals(HaFailover.haStatuses(api, world.guestL3).get(oldMaster))
                ? null : HaFailover.haStatuses(api, world.guestL3).get(oldMaster)))
                .as("the dead master is no longer shown as Master").isNotNull();
        assertThat(result.received()).as("the guest's pings came back").isPositive();
        assertThat(viaSnat.exchange("after-snat", Duration.ofSeconds(10))).as("the established connection through SNAT")
                .isEqualTo("after-snat");
        assertThat(viaEip.exchange("after-eip", Duration.ofSeconds(10))).as("the established connection through the EIP")
                .isEqualTo("after-eip");
        GuestProbe probe = world.probe(guest);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        assertThat(HaFailover.dhcpAnswers(haL3s.get(0).guestNs())).as("a DHCP exchange with the new master").isTrue();
        assertThat(HaFailover.macsAnswering(haL3s.get(0).guestNs(), haL3s.get(0).gateway())).hasSize(1);
    }

    @Test
    @Order(3)
    void theNodeBringsEveryPairBackToTwoOnTheRemainingHosts() {
        Assumptions.assumeTrue(deadHost != null, "the pairs were not set up");
        for (HaHostDeath.HaL3 l3 : haL3s) {
            String whole = GuestProbe.await(Duration.ofSeconds(180), () -> {
                Map<String, String> hosts = HaHostDeath.routerHosts(world, l3.uuid());
                Map<String, String> statuses = HaFailover.haStatuses(api, l3.uuid());
                boolean twoAlive = hosts.size() == 2 && !hosts.containsValue(deadHost) && new HashSet<>(hosts.values()).size() == 2;
                return twoAlive && statuses.containsValue("Master") && statuses.containsValue("Backup") ? hosts.toString() : null;
            });
            assertThat(whole).as("the pair of " + l3.name() + " back to a master and a backup on two hosts, off the dead one: "
                    + HaHostDeath.routerHosts(world, l3.uuid()) + " " + HaFailover.haStatuses(api, l3.uuid())).isNotNull();
            System.out.println("MultiHostHaTest: pair of " + l3.name() + " again on " + whole);
        }
        assertThat(viaSnat.exchange("whole-snat", Duration.ofSeconds(10))).isEqualTo("whole-snat");
        assertThat(viaEip.exchange("whole-eip", Duration.ofSeconds(10))).isEqualTo("whole-eip");
    }

    @Test
    @Order(4)
    void aPlainRoutersL3TaggedHa_becomesAPairOnTwoHosts_theGuestServedThroughout() throws Exception {
        Assumptions.assumeTrue(deadHost != null, "the pairs were not set up");
        String l3 = api.create("CreateL3Network", "l2NetworkUuid", world.guestL2, "name", "plain-then-ha", "system", false);
        api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "plain-range", "networkCidr", "172.20.100.0/24"));
        api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", SeedWorld.OUTSIDE_IP));
        api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3, "networkServices",
                Map.of(world.providerUuid, List.of("DHCP", "DNS", "SNAT"))));
        JsonNode vm = api.inventory("CreateVmInstance", "name", "plain-guest", "instanceOfferingUuid", world.userOffering,
                "imageUuid", world.userImage, "l3NetworkUuids", List.of(l3), "hostUuid", world.host(4));
        String ns = world.namespaceOf(vm);
        assertThat(GuestProbe.await(LEASE, world.probe(vm)::address)).isEqualTo(SeedWorld.ipOn(vm, l3));
        List<JsonNode> before = world.routersOn(l3);
        assertThat(before).hasSize(1);
        String plain = before.get(0).get("uuid").asText();
        assertThat(before.get(0).path("haStatus").asText()).isEqualTo("NoHa");

        HaFailover.PingRun ping = HaFailover.startPing(ns, SeedWorld.OUTSIDE_IP, 10, Duration.ofSeconds(75));
        Thread.sleep(1000);
        api.ok("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", l3, "tag", "virtualRouterHa::VRRP"));
        String pairHosts = GuestProbe.await(Duration.ofSeconds(70), () -> {
            Map<String, String> hosts = HaHostDeath.routerHosts(world, l3);
            Map<String, String> statuses = HaFailover.haStatuses(api, l3);
            return hosts.size() == 2 && !hosts.containsKey(plain) && new HashSet<>(hosts.values()).size() == 2
                    && statuses.containsValue("Master") && statuses.containsValue("Backup") ? hosts.toString() : null;
        });
        HaFailover.PingResult result = ping.finish();
        System.out.printf("MultiHostHaTest plain -> pair: %d of %d pings lost, longest gap %d ms; pair on %s%n", result.lost(),
                result.sent(), result.longestGapMillis(), pairHosts);
        assertThat(pairHosts).as("a master and a backup on two hosts in place of the plain router: " + HaHostDeath.routerHosts(world, l3)
                + " " + HaFailover.haStatuses(api, l3)).isNotNull();
        assertThat(result.received()).as("the guest's pings answered across the conversion").isPositive();
        GuestProbe probe = world.probe(vm);
        assertThat(probe.defaultGateway()).as("the same gateway, now floating").isEqualTo(vm.get("vmNics").get(0).get("gateway").asText());
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        assertThat(HaFailover.dhcpAnswers(ns)).as("a DHCP exchange with the pair's master").isTrue();
        assertThat(HaFailover.macsAnswering(ns, vm.get("vmNics").get(0).get("gateway").asText())).hasSize(1);
    }
}
