package io.vrouter.server.vrouter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.ha.HaState;
import io.vrouter.agent.ha.RecordingHa;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestDatabase;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VRRP pairs on the Simulator (the real agent in-process, its HA part recording): an L3 tagged
 * {@code virtualRouterHa::VRRP} gets two routers with the same desired state and each other as VRRP peers; the
 * node learns each router's haStatus, raises the alarm on no master or two, settles a split brain by standing one
 * down, and brings a pair that lost a router back to two. Plain routers are untouched.
 */
class HaPairTest extends NodeContract {
    private static final AtomicInteger OCTET = new AtomicInteger(60);
    private RouterFixture f;
    private String guest;

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }

    @BeforeEach
    void setUp() {
        int octet = OCTET.getAndIncrement();
        f = new RouterFixture(admin, octet);
        guest = f.guestL3("ha", "10." + octet + ".20.0/24", List.of("DHCP", "DNS", "SNAT", "Eip", "PortForwarding"));
        admin.ok("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", guest, "tag", "virtualRouterHa::VRRP"));
    }

    private List<String> routersOf(String l3) {
        List<String> uuids = new ArrayList<>();
        f.routersOn(l3).forEach(r -> uuids.add(r.get("uuid").asText()));
        return uuids;
    }

    private List<String> routers() {
        List<String> uuids = new ArrayList<>();
        f.routersOn(guest).forEach(r -> uuids.add(r.get("uuid").asText()));
        return uuids;
    }

    private RecordingHa ha(String vr) {
        return node.agents().ha(vr).orElseThrow();
    }

    private String haStatus(String vr) {
        return new RouterFixture.Reader(admin).router(vr).get("haStatus").asText();
    }

    private JsonNode guestNicOf(String vr) {
        return nicOn(vr, guest);
    }

    private JsonNode nicOn(String vr, String l3) {
        for (JsonNode nic : new RouterFixture.Reader(admin).router(vr).get("vmNics")) {
            if (nic.get("l3NetworkUuid").asText().equals(l3)) {
                return nic;
            }
        }
        throw new AssertionError("router " + vr + " has no nic on " + l3);
    }

    @Test
    void anHaGuestL3GetsTwoRoutersPeeringWithEachOtherAndHoldingTheSameState() {
        JsonNode vm = f.userVm("web", guest);
        String gateway = vm.get("vmNics").get(0).get("gateway").asText();
        List<String> pair = routers();
        assertThat(pair).hasSize(2);
        String a = pair.get(0);
        String b = pair.get(1);
        for (String vr : pair) {
            JsonNode router = new RouterFixture.Reader(admin).router(vr);
            assertThat(router.get("state").asText()).isEqualTo("Running");
            assertThat(router.get("status").asText()).isEqualTo("Connected");
            // neither owns the gateway: it floats with the master
            assertThat(guestNicOf(vr).get("ip").asText()).isNotEqualTo(gateway);
        }
        DesiredRouterState.State sa = RouterStateChecker.assertInSync(node, a);
        DesiredRouterState.State sb = RouterStateChecker.assertInSync(node, b);
        HaConfig ha = sa.ha();
        assertThat(ha.enabled()).isTrue();
        assertThat(ha.peerAddress()).isEqualTo(guestNicOf(b).get("ip").asText());
        assertThat(sb.ha().peerAddress()).isEqualTo(guestNicOf(a).get("ip").asText());
        assertThat(sb.ha().virtualRouterId()).isEqualTo(ha.virtualRouterId());
        assertThat(ha.floatingAddresses()).extracting(HaConfig.FloatingAddress::ip).contains(gateway);
        String floatingPublic = ha.floatingAddresses().get(1).ip();
        assertThat(sb.ha().floatingAddresses().get(1).ip()).isEqualTo(floatingPublic);
        // guests get the same leases from either router, resolving through the floating gateway
        assertThat(sa.dhcp()).extracting(d -> d.ip() + d.mac() + d.gateway() + d.dns())
                .containsExactlyElementsOf(sb.dhcp().stream().map(d -> d.ip() + d.mac() + d.gateway() + d.dns()).toList());
        assertThat(sa.dhcp()).singleElement().satisfies(d -> assertThat(d.dns()).containsExactly(gateway));
        // source NAT to the floating public address on both
        assertThat(sa.snats()).singleElement().satisfies(s -> assertThat(s.publicIp()).isEqualTo(floatingPublic));
        assertThat(sb.snats()).singleElement().satisfies(s -> assertThat(s.publicIp()).isEqualTo(floatingPublic));
        // the floating address is taken from the public L3: no VIP can get it
        JsonNode vips = admin.ok("QueryVip", Map.of("conditions", List.of())).get("inventories");
        vips.forEach(v -> assertThat(v.get("ip").asText()).isNotEqualTo(floatingPublic));
    }

    @Test
    void aRuleReachesBothRoutersOfThePair() {
        JsonNode vm = f.userVm("web", guest);
        String nic = vm.get("vmNics").get(0).get("uuid").asText();
        String vip = Infra.uuid(admin.ok("CreateVip", Map.of("name", "v", "l3NetworkUuid", f.publicL3)));
        admin.ok("CreateEip", Map.of("name", "e", "vipUuid", vip, "vmNicUuid", nic));
        for (String vr : routers()) {
            assertThat(RouterStateChecker.assertInSync(node, vr).eips()).extracting(EipTO::guestIp)
                    .containsExactly(vm.get("vmNics").get(0).get("ip").asText());
        }
    }

    /**
     * What a router's agent holds of the rules (VIPs, EIPs, port forwarding, SNAT), with the router's own nic MACs
     * and addresses written as the L3 of the nic, so two routers' lists compare: the same rule on two routers differs
     * only by which router's nic it names.
     */
    private List<Object> ruleListsOf(String vr) {
        var have = node.agents().dataplane(vr).orElseThrow().appliedState();
        Map<String, String> own = new java.util.HashMap<>();
        new RouterFixture.Reader(admin).router(vr).get("vmNics").forEach(n -> {
            own.put(n.get("mac").asText(), "mac-of-nic-on-" + n.get("l3NetworkUuid").asText());
            own.put(n.get("ip").asText(), "ip-of-nic-on-" + n.get("l3NetworkUuid").asText());
        });
        java.util.function.Function<Object, String> normalised = rule -> {
            String text = rule.toString();
            for (Map.Entry<String, String> e : own.entrySet()) {
                text = text.replaceAll("(?<![0-9a-fA-F.:])" + java.util.regex.Pattern.quote(e.getKey()) + "(?![0-9a-fA-F])", e.getValue());
            }
            return text;
        };
        return List.of(have.vips().values().stream().map(normalised).collect(java.util.stream.Collectors.toSet()),
                have.eips().values().stream().map(normalised).collect(java.util.stream.Collectors.toSet()),
                have.portForwardings().values().stream().map(normalised).collect(java.util.stream.Collectors.toSet()),
                have.snats().values().stream().map(normalised).collect(java.util.stream.Collectors.toSet()));
    }

    /** Both routers in sync with the desired state (a replaced one's partner learns it within its next sync), then compared. */
    private void assertPairHoldsTheSameRules(String when) {
        List<String> pair = routers();
        assertThat(pair).hasSize(2);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> pair.forEach(vr -> RouterStateChecker.assertInSync(node, vr)));
        assertThat(ruleListsOf(pair.get(1))).as("the rule lists of the second router equal the first's " + when)
                .isEqualTo(ruleListsOf(pair.get(0)));
    }

    @Test
    void bothRoutersHoldEqualRuleListsThroughCreatesDeletesAndAReplacement() {
        JsonNode web = f.userVm("web", guest);
        JsonNode db = f.userVm("db", guest);
        String webNic = web.get("vmNics").get(0).get("uuid").asText();
        String dbNic = db.get("vmNics").get(0).get("uuid").asText();
        List<String> eips = new ArrayList<>();
        for (String nic : List.of(webNic, dbNic)) {
            String vip = Infra.uuid(admin.ok("CreateVip", Map.of("name", "eip-vip", "l3NetworkUuid", f.publicL3)));
            eips.add(Infra.uuid(admin.ok("CreateEip", Map.of("name", "e", "vipUuid", vip, "vmNicUuid", nic))));
        }
        String pfVip = Infra.uuid(admin.ok("CreateVip", Map.of("name", "pf-vip", "l3NetworkUuid", f.publicL3)));
        List<String> pfs = new ArrayList<>();
        pfs.add(Infra.uuid(admin.ok("CreatePortForwardingRule", Map.of("name", "ssh", "vipUuid", pfVip, "vipPortStart", 2222,
                "privatePortStart", 22, "protocolType", "TCP", "vmNicUuid", webNic))));
        pfs.add(Infra.uuid(admin.ok("CreatePortForwardingRule", Map.of("name", "dns", "vipUuid", pfVip, "vipPortStart", 5353,
                "privatePortStart", 53, "protocolType", "UDP", "vmNicUuid", dbNic))));
        pfs.add(Infra.uuid(admin.ok("CreatePortForwardingRule", Map.of("name", "range", "vipUuid", pfVip, "vipPortStart", 8000,
                "vipPortEnd", 8010, "privatePortStart", 8000, "privatePortEnd", 8010, "protocolType", "TCP", "vmNicUuid", webNic))));
        assertPairHoldsTheSameRules("after 2 EIPs and 3 port forwarding rules");
        assertThat(ruleListsOf(routers().get(0)).get(1)).as("EIPs held").asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.COLLECTION).hasSize(2);
        assertThat(ruleListsOf(routers().get(0)).get(2)).as("port forwarding held").asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.COLLECTION).hasSize(3);

        admin.ok("DeleteEip", Map.of("uuid", eips.get(0)));
        admin.ok("DeletePortForwardingRule", Map.of("uuid", pfs.get(1)));
        assertPairHoldsTheSameRules("after deleting an EIP and a rule");

        // a replacement router starts from nothing and must end up with the survivor's lists
        List<String> pair = routers();
        admin.ok("DestroyVmInstance", Map.of("uuid", pair.get(0)));
        node.node().virtualRouters().pingTracker().pingAll();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> routers().size() == 2);
        String replacement = routers().stream().filter(r -> !r.equals(pair.get(1))).findFirst().orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> node.node().virtualRouters().awaitRouterSynced(replacement,
                Duration.ofSeconds(1)));
        assertPairHoldsTheSameRules("after the first router was replaced");
        assertThat(ruleListsOf(replacement).get(2)).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.COLLECTION).hasSize(2);
    }

    @Test
    void taggingAnL3WhosePlainRouterServesTurnsItIntoAPairWithTheSameRules() {
        int octet = OCTET.getAndIncrement();
        String l3 = f.guestL3("plain-then-ha", "10." + octet + ".21.0/24", List.of("DHCP", "DNS", "SNAT", "Eip", "PortForwarding"));
        JsonNode vm = f.userVm("web", l3);
        String gateway = vm.get("vmNics").get(0).get("gateway").asText();
        String nic = vm.get("vmNics").get(0).get("uuid").asText();
        String vip = Infra.uuid(admin.ok("CreateVip", Map.of("name", "v", "l3NetworkUuid", f.publicL3)));
        admin.ok("CreateEip", Map.of("name", "e", "vipUuid", vip, "vmNicUuid", nic));
        String pfVip = Infra.uuid(admin.ok("CreateVip", Map.of("name", "pf", "l3NetworkUuid", f.publicL3)));
        admin.ok("CreatePortForwardingRule", Map.of("name", "ssh", "vipUuid", pfVip, "vipPortStart", 2222,
                "privatePortStart", 22, "protocolType", "TCP", "vmNicUuid", nic));
        List<String> before = routersOf(l3);
        assertThat(before).hasSize(1);
        String plain = before.get(0);
        assertThat(RouterStateChecker.assertInSync(node, plain).ha().enabled()).isFalse();
        List<Object> plainRules = ruleListsOf(plain);

        admin.ok("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", l3, "tag", "virtualRouterHa::VRRP"));
        // the pair keeper (every ping round) makes the L3 what its tag says
        node.node().virtualRouters().pingTracker().pingAll();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<String> now = routersOf(l3);
            return now.size() == 2 && !now.contains(plain);
        });
        List<String> pair = routersOf(l3);
        // the first learns its partner's address once the partner exists
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> pair.forEach(vr -> {
            RouterStateChecker.assertInSync(node, vr);
            assertThat(ha(vr).config().peerAddress()).isNotNull();
        }));
        DesiredRouterState.State a = RouterStateChecker.assertInSync(node, pair.get(0));
        DesiredRouterState.State b = RouterStateChecker.assertInSync(node, pair.get(1));
        assertThat(a.ha().enabled()).isTrue();
        assertThat(a.ha().standDown()).as("no longer held").isFalse();
        assertThat(b.ha().standDown()).isFalse();
        assertThat(a.ha().floatingAddresses()).extracting(HaConfig.FloatingAddress::ip).contains(gateway);
        for (String vr : pair) {
            JsonNode guestNic = new RouterFixture.Reader(admin).router(vr).get("vmNics");
            guestNic.forEach(n -> {
                if (n.get("l3NetworkUuid").asText().equals(l3)) {
                    assertThat(n.get("ip").asText()).as("a pair's router does not own the gateway").isNotEqualTo(gateway);
                }
            });
        }
        assertThat(a.ha().peerAddress()).as("each router peers with the other").isEqualTo(nicOn(pair.get(1), l3).get("ip").asText());
        assertThat(b.ha().peerAddress()).isEqualTo(nicOn(pair.get(0), l3).get("ip").asText());
        // the same leases and rules as the plain router had, on both; SNAT now to the floating address
        assertThat(ruleListsOf(pair.get(1))).isEqualTo(ruleListsOf(pair.get(0)));
        assertThat(ruleListsOf(pair.get(0)).subList(0, 3)).as("VIPs, EIPs, port forwarding as the plain router held them")
                .isEqualTo(plainRules.subList(0, 3));
        assertThat(a.dhcp()).singleElement().satisfies(d -> assertThat(d.ip()).isEqualTo(vm.get("vmNics").get(0).get("ip").asText()));
        assertThat(a.snats()).singleElement().satisfies(s -> assertThat(s.publicIp()).isEqualTo(a.ha().floatingAddresses().get(1).ip()));
    }

    @Test
    void removingTheHaTagTurnsThePairBackIntoOnePlainRouter_theMasterKeptWithTheGatewayAndTheSameRules() {
        JsonNode vm = f.userVm("web", guest);
        String gateway = vm.get("vmNics").get(0).get("gateway").asText();
        String nic = vm.get("vmNics").get(0).get("uuid").asText();
        String vip = Infra.uuid(admin.ok("CreateVip", Map.of("name", "v", "l3NetworkUuid", f.publicL3)));
        admin.ok("CreateEip", Map.of("name", "e", "vipUuid", vip, "vmNicUuid", nic));
        String pfVip = Infra.uuid(admin.ok("CreateVip", Map.of("name", "pf", "l3NetworkUuid", f.publicL3)));
        admin.ok("CreatePortForwardingRule", Map.of("name", "ssh", "vipUuid", pfVip, "vipPortStart", 2222,
                "privatePortStart", 22, "protocolType", "TCP", "vmNicUuid", nic));
        List<String> pair = routers();
        assertThat(pair).hasSize(2);
        // the pair's second router is master: it is the one kept, and takes over the L3's claim
        String master = pair.get(1);
        String backup = pair.get(0);
        ha(backup).become(HaState.Backup);
        ha(master).become(HaState.Master);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> haStatus(master).equals("Master"));
        DesiredRouterState.State before = RouterStateChecker.assertInSync(node, master);
        String floatingPublic = before.ha().floatingAddresses().get(1).ip();
        String ownGuestIp = guestNicOf(master).get("ip").asText();
        List<Object> pairRules = ruleListsOf(master);

        String tag = admin.ok("QuerySystemTag", Map.of("conditions", List.of(Map.of("name", "resourceUuid", "op", "=", "value", guest),
                Map.of("name", "tag", "op", "=", "value", "virtualRouterHa::VRRP")))).get("inventories").get(0).get("uuid").asText();
        admin.ok("DeleteTag", Map.of("uuid", tag));
        // the pair keeper (every ping round) makes the L3 what its tags say
        node.node().virtualRouters().pingTracker().pingAll();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> routers().equals(List.of(master)) && haStatus(master).equals("NoHa"));

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> RouterStateChecker.assertInSync(node, master));
        DesiredRouterState.State after = RouterStateChecker.assertInSync(node, master);
        assertThat(after.ha().enabled()).as("no VRRP any more").isFalse();
        assertThat(ha(master).config().enabled()).as("the agent was told").isFalse();
        assertThat(guestNicOf(master).get("ip").asText()).as("the kept router's guest nic owns the gateway, as a plain router's")
                .isEqualTo(gateway);
        String publicIp = nicOn(master, f.publicL3).get("ip").asText();
        assertThat(after.snats()).singleElement().satisfies(s -> assertThat(s.publicIp()).isEqualTo(publicIp));
        assertThat(after.dhcp()).singleElement().satisfies(d -> {
            assertThat(d.ip()).isEqualTo(vm.get("vmNics").get(0).get("ip").asText());
            assertThat(d.dns()).containsExactly(gateway);
        });
        assertThat(ruleListsOf(master).subList(0, 3)).as("VIPs, EIPs, port forwarding as the pair held them")
                .isEqualTo(pairRules.subList(0, 3));
        assertThat(node.node().virtualRouters().haAlarmOf(guest)).isEqualTo("NONE");
        // the pair's floating public address and the router's own guest address are free again
        assertThat(admin.ok("CreateVip", Map.of("name", "reuse", "l3NetworkUuid", f.publicL3, "requiredIp", floatingPublic))
                .get("inventory").get("ip").asText()).isEqualTo(floatingPublic);
        assertThat(admin.ok("CreateVip", Map.of("name", "reuse-guest", "l3NetworkUuid", guest, "requiredIp", ownGuestIp))
                .get("inventory").get("ip").asText()).as("the kept router's old guest address").isEqualTo(ownGuestIp);

        // it stays one plain router: the keeper makes no partner, the next VM is served by it
        node.node().virtualRouters().pingTracker().pingAll();
        JsonNode next = f.userVm("next", guest);
        assertThat(routers()).containsExactly(master);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(RouterStateChecker.assertInSync(node, master).dhcp())
                .extracting(d -> d.ip()).contains(next.get("vmNics").get(0).get("ip").asText()));
    }

    @Test
    void theNodeShowsEachRoutersHaStatusAsTheAgentReportsIt() {
        f.userVm("web", guest);
        List<String> pair = routers();
        for (String vr : pair) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> haStatus(vr).equals("Backup"));
        }
        ha(pair.get(0)).become(HaState.Master);
        // through the long poll, without a ping
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> haStatus(pair.get(0)).equals("Master"));
        assertThat(haStatus(pair.get(1))).isEqualTo("Backup");
        assertThat(node.node().virtualRouters().haAlarmOf(guest)).isEqualTo("NONE");
        // the failover: the old master faults, the backup takes over
        ha(pair.get(0)).become(HaState.Fault);
        ha(pair.get(1)).become(HaState.Master);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> haStatus(pair.get(1)).equals("Master")
                && haStatus(pair.get(0)).equals("Fault"));
        // queryable like any field
        JsonNode masters = admin.ok("QueryVirtualRouterVm", Map.of("conditions",
                List.of(Map.of("name", "haStatus", "op", "=", "value", "Master")))).get("inventories");
        assertThat(masters).extracting(m -> m.get("uuid").asText()).contains(pair.get(1)).doesNotContain(pair.get(0));
    }

    @Test
    void noMasterIsAnAlarm() {
        f.userVm("web", guest);
        List<String> pair = routers();
        ha(pair.get(0)).become(HaState.Fault);
        ha(pair.get(1)).become(HaState.Fault);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> node.node().virtualRouters().haAlarmOf(guest).equals("NO_MASTER"));
        ha(pair.get(1)).become(HaState.Master);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> node.node().virtualRouters().haAlarmOf(guest).equals("NONE"));
    }

    @Test
    void twoMastersAreSettledByStandingDownTheLaterOneUntilItsPartnerLeaves() {
        f.userVm("web", guest);
        List<String> pair = routers();
        String first = pair.get(0);
        String later = pair.get(1);
        ha(first).become(HaState.Master);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> haStatus(first).equals("Master"));
        ha(later).become(HaState.Master);
        // the node tells the later master to stand down; the recording HA part faults as keepalived would
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ha(later).config().standDown());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> haStatus(later).equals("Fault")
                && node.node().virtualRouters().haAlarmOf(guest).equals("NONE"));
        assertThat(ha(first).config().standDown()).isFalse();
        // the later master had announced itself; now it let go, the one that stays master is told to announce again
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ha(first).announcements() == 1);
        assertThat(ha(later).announcements()).isZero();
        RouterStateChecker.assertInSync(node, later);
        // the master goes: the router standing down is needed again
        ha(first).become(HaState.Fault);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !ha(later).config().standDown());
        assertThat(ha(later).status().state()).isEqualTo(HaState.Backup);
    }

    @Test
    void aDestroyedRouterOfAPairIsReplacedAndTheSurvivorLearnsItsNewPeer() {
        f.userVm("web", guest);
        List<String> pair = routers();
        String survivor = pair.get(0);
        admin.ok("DestroyVmInstance", Map.of("uuid", pair.get(1)));
        assertThat(routers()).containsExactly(survivor);
        // the survivor serves alone meanwhile: no peer, still holding the floating addresses
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ha(survivor).config().peerAddress() == null);
        assertThat(ha(survivor).config().enabled()).isTrue();

        node.node().virtualRouters().pingTracker().pingAll();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> routers().size() == 2);
        String replacement = routers().stream().filter(r -> !r.equals(survivor)).findFirst().orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> node.node().virtualRouters().awaitRouterSynced(survivor, Duration.ofSeconds(1))
                && guestNicOf(replacement).get("ip").asText().equals(ha(survivor).config().peerAddress()));
        RouterStateChecker.assertInSync(node, survivor);
        RouterStateChecker.assertInSync(node, replacement);
    }

    @Test
    void destroyingBothRoutersReleasesTheFloatingAddressAndTheNextVmMakesANewPair() {
        int freeBefore = freePublicIps();
        f.userVm("web", guest);
        List<String> pair = routers();
        // two routers' public nics and the floating address
        assertThat(freePublicIps()).isEqualTo(freeBefore - 3);
        pair.forEach(vr -> admin.ok("DestroyVmInstance", Map.of("uuid", vr)));
        assertThat(routers()).isEmpty();
        assertThat(freePublicIps()).isEqualTo(freeBefore);
        f.userVm("again", guest);
        assertThat(routers()).hasSize(2).doesNotContainAnyElementsOf(pair);
    }

    private int freePublicIps() {
        return admin.ok("GetFreeIp", Map.of("l3NetworkUuid", f.publicL3, "limit", 10000)).get("inventories").size();
    }

    @Test
    void aPlainGuestL3KeepsOneRouterWithNoHa() {
        JsonNode vm = f.userVm("plain", f.guestL3);
        JsonNode routers = f.routersOn(f.guestL3);
        assertThat(routers).hasSize(1);
        String vr = routers.get(0).get("uuid").asText();
        assertThat(routers.get(0).get("haStatus").asText()).isEqualTo("NoHa");
        assertThat(RouterStateChecker.assertInSync(node, vr).ha().enabled()).isFalse();
        RecordingDataplane dataplane = node.agents().dataplane(vr).orElseThrow();
        assertThat(dataplane.appliedState().nics().values()).anySatisfy(n ->
                assertThat(n.ip()).isEqualTo(vm.get("vmNics").get(0).get("gateway").asText()));
    }

    @Test
    void aWrongHaTagIsRefusedAndNothingIsWritten() {
        String other = f.guestL3("other", "10.250." + OCTET.getAndIncrement() + ".0/24", List.of("DHCP"));
        ApiReply r = admin.call("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", other,
                "tag", "virtualRouterHa::yes"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorDetails()).contains("VRRP");
        ApiReply monitor = admin.call("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", other,
                "tag", "virtualRouterHaMonitorIp::10.0.0.300"));
        assertThat(monitor.status()).isEqualTo(400);
        f.userVm("plain", other);
        assertThat(f.routersOn(other)).hasSize(1);
    }

    @Test
    void monitorAddressesReachBothRouters() {
        admin.ok("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", guest,
                "tag", "virtualRouterHaMonitorIp::192.0.2.1"));
        f.userVm("web", guest);
        for (String vr : routers()) {
            assertThat(RouterStateChecker.assertInSync(node, vr).ha().monitorIps()).containsExactly("192.0.2.1");
        }
    }
}
