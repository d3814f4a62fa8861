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
        for (JsonNode nic : new RouterFixture.Reader(admin).router(vr).get("vmNics")) {
            if (nic.get("l3NetworkUuid").asText().equals(guest)) {
                return nic;
            }
        }
        throw new AssertionError("router " + vr + " has no nic on " + guest);
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
