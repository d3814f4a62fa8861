package io.vrouter.server.vrouter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.protocol.DnsInfo;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The virtual router provider end to end on the Simulator, whose routers run the real agent in-process over
 * HTTP: automatic creation, one router per guest L3, offering choice, connect and Reconnect, lifecycle, ping
 * tracking, command parallelism. After every change the router's applied state is checked against the database.
 */
class VirtualRouterTest extends NodeContract {
    private static final AtomicInteger OCTET = new AtomicInteger(16);
    private RouterFixture f;

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }

    @BeforeEach
    void setUp() {
        f = new RouterFixture(admin, OCTET.getAndIncrement());
    }

    private JsonNode onlyRouter(String l3) {
        JsonNode routers = f.routersOn(l3);
        assertThat(routers).as("routers on " + l3).hasSize(1);
        return routers.get(0);
    }

    private RecordingDataplane dataplane(String vrUuid) {
        return node.agents().dataplane(vrUuid).orElseThrow();
    }

    @Test
    void aUserVmOnAGuestL3BringsUpItsRouterWithEveryService() {
        JsonNode vm = f.userVm("web", f.guestL3);
        JsonNode vr = onlyRouter(f.guestL3);
        assertThat(vr.get("applianceVmType").asText()).isEqualTo("VirtualRouter");
        assertThat(vr.get("type").asText()).isEqualTo("ApplianceVm");
        assertThat(vr.get("state").asText()).isEqualTo("Running");
        assertThat(vr.get("status").asText()).isEqualTo("Connected");
        assertThat(vr.get("managementNetworkUuid").asText()).isEqualTo(f.managementL3);
        assertThat(vr.get("publicNetworkUuid").asText()).isEqualTo(f.publicL3);
        assertThat(vr.get("defaultRouteL3NetworkUuid").asText()).isEqualTo(f.publicL3);
        assertThat(vr.get("instanceOfferingUuid").asText()).isEqualTo(f.offering);
        assertThat(vr.get("vmNics")).extracting(n -> n.get("l3NetworkUuid").asText())
                .containsExactly(f.managementL3, f.publicL3, f.guestL3);
        JsonNode guestNic = vr.get("vmNics").get(2);
        assertThat(guestNic.get("ip").asText()).isEqualTo(vm.get("vmNics").get(0).get("gateway").asText());

        DesiredRouterState.State state = RouterStateChecker.assertInSync(node, vr.get("uuid").asText());
        assertThat(state.dhcp()).singleElement().satisfies(d -> {
            assertThat(d.mac()).isEqualTo(vm.get("vmNics").get(0).get("mac").asText());
            assertThat(d.ip()).isEqualTo(vm.get("vmNics").get(0).get("ip").asText());
            assertThat(d.dns()).containsExactly(guestNic.get("ip").asText());
            assertThat(d.isDefaultL3Network()).isTrue();
        });
        assertThat(state.dns()).extracting(DnsInfo::dnsAddress).containsExactly("8.8.8.8", "1.1.1.1", "9.9.9.9");
        assertThat(state.snats()).singleElement().satisfies(s -> {
            assertThat(s.publicIp()).isEqualTo(vr.get("vmNics").get(1).get("ip").asText());
            assertThat(s.privateNicIp()).isEqualTo(guestNic.get("ip").asText());
        });
    }

    @Test
    void aSecondVmReusesTheRouterAndGetsItsOwnDhcpEntry() {
        JsonNode first = f.userVm("a", f.guestL3);
        String vr = onlyRouter(f.guestL3).get("uuid").asText();
        JsonNode second = f.userVm("b", f.guestL3);
        assertThat(onlyRouter(f.guestL3).get("uuid").asText()).isEqualTo(vr);
        assertThat(RouterStateChecker.assertInSync(node, vr).dhcp()).hasSize(2);
        admin.ok("StopVmInstance", Map.of("uuid", first.get("uuid").asText()));
        assertThat(RouterStateChecker.assertInSync(node, vr).dhcp()).singleElement()
                .satisfies(d -> assertThat(d.mac()).isEqualTo(second.get("vmNics").get(0).get("mac").asText()));
        admin.ok("StartVmInstance", Map.of("uuid", first.get("uuid").asText()));
        assertThat(RouterStateChecker.assertInSync(node, vr).dhcp()).hasSize(2);
        admin.ok("DestroyVmInstance", Map.of("uuid", second.get("uuid").asText()));
        assertThat(RouterStateChecker.assertInSync(node, vr).dhcp()).hasSize(1);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aHundredConcurrentVmsOnAFreshL3MakeExactlyOneRouter() throws Exception {
        String fresh = f.guestL3("fresh", "10.99." + OCTET.getAndIncrement() + ".0/24", List.of("DHCP", "DNS", "SNAT"));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<ApiReply>> replies = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            replies.add(pool.submit(() -> node.admin().call("CreateVmInstance", Map.of("name", "c" + n,
                    "instanceOfferingUuid", f.userOffering, "imageUuid", f.userImage, "l3NetworkUuids", List.of(fresh)))));
        }
        for (Future<ApiReply> r : replies) {
            assertThat(r.get().status()).as(r.get().body().toString()).isEqualTo(200);
        }
        pool.shutdown();
        String vr = onlyRouter(fresh).get("uuid").asText();
        assertThat(RouterStateChecker.assertInSync(node, vr).dhcp()).hasSize(100);
    }

    @Test
    void theGuestL3TagChoosesTheOfferingElseTheZoneDefault() {
        String tagged = f.vrOffering("tagged", false);
        String taggedL3 = f.guestL3("tagged", "10.98." + OCTET.getAndIncrement() + ".0/24", List.of("DHCP"));
        admin.ok("CreateSystemTag", Map.of("resourceType", "InstanceOfferingVO", "resourceUuid", tagged, "tag", "guestL3Network::" + taggedL3));
        f.userVm("t", taggedL3);
        assertThat(onlyRouter(taggedL3).get("instanceOfferingUuid").asText()).isEqualTo(tagged);
        String newDefault = f.vrOffering("newdefault", true);
        JsonNode offerings = admin.ok("QueryVirtualRouterOffering", Map.of("conditions",
                List.of(Map.of("name", "zoneUuid", "op", "=", "value", f.zone.zoneUuid())))).get("inventories");
        assertThat(offerings).filteredOn(o -> o.get("isDefault").asBoolean()).extracting(o -> o.get("uuid").asText())
                .containsExactly(newDefault);
        f.userVm("d", f.guestL3);
        assertThat(onlyRouter(f.guestL3).get("instanceOfferingUuid").asText()).isEqualTo(newDefault);
    }

    @Test
    void noOfferingInTheZoneIsVr1002AndNothingIsLeftBehind() {
        admin.ok("DeleteVirtualRouterOffering", Map.of("uuid", f.offering));
        ApiReply r = admin.call("CreateVmInstance", Map.of("name", "orphan", "instanceOfferingUuid", f.userOffering,
                "imageUuid", f.userImage, "l3NetworkUuids", List.of(f.guestL3)));
        assertThat(r.errorCode()).isEqualTo("VR.1002");
        assertThat(r.errorDetails()).contains("has no enabled virtual router offering");
        assertThat(f.routersOn(f.guestL3)).isEmpty();
        assertThat(admin.ok("QueryVmInstance", Map.of("conditions", List.of(Map.of("name", "name", "op", "=", "value", "orphan"))))
                .get("inventories")).isEmpty();
    }

    @Test
    void reconnectReappliesEverythingAndUpgradesAnOldAgent() {
        var agents = node.node().simulatorAgents();
        agents.bootNextWithAgentMd5("old-agent-md5");
        f.userVm("r", f.guestL3);
        String vr = onlyRouter(f.guestL3).get("uuid").asText();
        String shipped = agents.agentMd5(vr);
        assertThat(shipped).as("the old agent the router booted with was upgraded at connect").isNotEqualTo("old-agent-md5");

        agents.restartAgentAs(vr, "another-old-md5");
        RecordingDataplane dp = dataplane(vr);
        dp.clearLog();
        JsonNode reply = admin.ok("ReconnectVirtualRouter", Map.of("vmInstanceUuid", vr)).get("inventory");
        assertThat(reply.get("status").asText()).isEqualTo("Connected");
        assertThat(agents.agentMd5(vr)).isEqualTo(shipped);
        assertThat(dp.commandPaths()).containsSubsequence("/init", "/configurenic", "/setdns", "/adddhcp", "/syncsnat",
                "/createvip", "/syncportforwarding", "/synceip");
        RouterStateChecker.assertInSync(node, vr);

        // with the same agent, Reconnect deploys nothing unless agent.deployOnStart says so
        admin.ok("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "agent.deployOnStart", "value", "true"));
        agents.restartAgentAs(vr, shipped);
        admin.ok("ReconnectVirtualRouter", Map.of("vmInstanceUuid", vr));
        admin.ok("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "agent.deployOnStart", "value", "false"));
        RouterStateChecker.assertInSync(node, vr);
    }

    @Test
    void anAgentWhoseCertificateIsNotOfThisInstallationIsRefusedThenRedeployed() {
        var agents = node.node().simulatorAgents();
        agents.bootNextWithForeignCertificate();
        f.userVm("t", f.guestL3);
        String vr = onlyRouter(f.guestL3).get("uuid").asText();

        // the node refused the foreign agent's TLS, sent it nothing, and deployed its own with a certificate it trusts
        assertThat(onlyRouter(f.guestL3).get("status").asText()).isEqualTo("Connected");
        assertThat(agents.runsForeignCertificate(vr)).as("redeployed with the installation's certificate").isFalse();
        assertThat(dataplane(vr).commandPaths()).startsWith("/init").containsOnlyOnce("/init");
        RouterStateChecker.assertInSync(node, vr);
    }

    @Test
    void startStopRebootAndDestroyOfTheRouter() {
        JsonNode vm = f.userVm("s", f.guestL3);
        String vr = onlyRouter(f.guestL3).get("uuid").asText();
        admin.ok("StopVmInstance", Map.of("uuid", vr));
        JsonNode stopped = onlyRouter(f.guestL3);
        assertThat(stopped.get("state").asText()).isEqualTo("Stopped");
        assertThat(stopped.get("status").asText()).isEqualTo("Disconnected");
        ApiReply reconnect = admin.call("ReconnectVirtualRouter", Map.of("vmInstanceUuid", vr));
        assertThat(reconnect.errorCode()).isEqualTo("VR.1000");

        admin.ok("StartVmInstance", Map.of("uuid", vr));
        assertThat(onlyRouter(f.guestL3).get("status").asText()).isEqualTo("Connected");
        RouterStateChecker.assertInSync(node, vr);

        dataplane(vr).clearLog();
        admin.ok("RebootVmInstance", Map.of("uuid", vr));
        assertThat(dataplane(vr).commandPaths()).contains("/adddhcp", "/setdns", "/syncsnat");
        RouterStateChecker.assertInSync(node, vr);

        // a stopped router is started again by the next user VM start
        admin.ok("StopVmInstance", Map.of("uuid", vr));
        admin.ok("StopVmInstance", Map.of("uuid", vm.get("uuid").asText()));
        admin.ok("StartVmInstance", Map.of("uuid", vm.get("uuid").asText()));
        assertThat(onlyRouter(f.guestL3).get("state").asText()).isEqualTo("Running");
        RouterStateChecker.assertInSync(node, vr);

        // a destroyed router is recreated by the next user VM
        admin.ok("DestroyVmInstance", Map.of("uuid", vr));
        assertThat(f.routersOn(f.guestL3)).isEmpty();
        f.userVm("after", f.guestL3);
        String recreated = onlyRouter(f.guestL3).get("uuid").asText();
        assertThat(recreated).isNotEqualTo(vr);
        assertThat(RouterStateChecker.assertInSync(node, recreated).dhcp()).hasSize(2);
    }

    @Test
    void aSilentAgentBecomesDisconnectedAndComesBackConnected() {
        f.userVm("p", f.guestL3);
        String vr = onlyRouter(f.guestL3).get("uuid").asText();
        PingTracker tracker = node.node().virtualRouters().pingTracker();
        node.node().simulatorAgents().silence(vr);
        tracker.pingAll();
        tracker.pingAll();
        assertThat(onlyRouter(f.guestL3).get("status").asText()).isEqualTo("Connected");
        tracker.pingAll();
        assertThat(onlyRouter(f.guestL3).get("status").asText()).isEqualTo("Disconnected");

        node.node().simulatorAgents().restartAgent(vr);
        tracker.pingAll();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> onlyRouter(f.guestL3).get("status").asText().equals("Connected"));
        RouterStateChecker.assertInSync(node, vr);
    }

    @Test
    void anAgentThatRestartedIsReconnectedByThePing() {
        f.userVm("q", f.guestL3);
        String vr = onlyRouter(f.guestL3).get("uuid").asText();
        dataplane(vr).clearLog();
        node.node().simulatorAgents().restartAgent(vr);
        node.node().virtualRouters().pingTracker().pingAll();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> dataplane(vr).commandPaths().contains("/synceip"));
        RouterStateChecker.assertInSync(node, vr);
    }

    @Test
    void theParallelismDegreeTagBoundsConcurrentCommands() throws Exception {
        f.userVm("first", f.guestL3);
        String vr = onlyRouter(f.guestL3).get("uuid").asText();
        admin.ok("CreateSystemTag", Map.of("resourceType", "VmInstanceVO", "resourceUuid", vr, "tag", "commandsParallelismDegree::2"));
        RecordingDataplane dp = dataplane(vr);
        dp.setCommandLatency(Duration.ofMillis(150));
        dp.resetMaxInFlight();
        // a router's own sync sends one command at a time; what else talks to the agent at once (pings, echoes,
        // commands of other callers) shares the bound: eight callers at once here
        VirtualRouters routers = node.node().virtualRouters().routers();
        RouterRepository.Router router = routers.find(vr).orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sent.add(pool.submit(() -> routers.command(router, "adddhcp", c -> c.addDhcp(List.of(), false))));
        }
        for (Future<?> r : sent) {
            r.get();
        }
        pool.shutdown();
        dp.setCommandLatency(Duration.ZERO);
        assertThat(dp.maxCommandsInFlight()).isEqualTo(2);
        RouterStateChecker.assertInSync(node, vr);
    }

    @Test
    void offeringChecksFollowTheReference() {
        String otherZone = new io.vrouter.server.testing.Infra(admin).simulatorZone().zoneUuid();
        ApiReply zone = admin.call("CreateVirtualRouterOffering", Map.of("name", "x", "cpuNum", 1, "cpuSpeed", 1, "memorySize", 1L << 30,
                "managementNetworkUuid", f.managementL3, "zoneUuid", otherZone, "imageUuid", f.vrImage));
        assertThat(zone.errorCode()).isEqualTo("SYS.1007");
        assertThat(zone.errorDetails()).contains("not in the offering's zone");
        ApiReply snat = admin.call("CreateVirtualRouterOffering", Map.of("name", "x", "cpuNum", 1, "cpuSpeed", 1, "memorySize", 1L << 30,
                "managementNetworkUuid", f.managementL3, "publicNetworkUuid", f.guestL3, "zoneUuid", f.zone.zoneUuid(), "imageUuid", f.vrImage));
        assertThat(snat.errorDetails()).contains("has the SNAT service");
        String overlapping = f.infra.l3(f.zone, "overlap", "172." + (OCTET.get() - 1) + ".1.128/25", true);
        ApiReply overlap = admin.call("CreateVirtualRouterOffering", Map.of("name", "x", "cpuNum", 1, "cpuSpeed", 1, "memorySize", 1L << 30,
                "managementNetworkUuid", f.managementL3, "publicNetworkUuid", overlapping, "zoneUuid", f.zone.zoneUuid(), "imageUuid", f.vrImage));
        assertThat(overlap.errorDetails()).contains("share addresses");
        long offerings = admin.ok("QueryVirtualRouterOffering", Map.of("count", true)).get("total").asLong();
        assertThat(offerings).isGreaterThanOrEqualTo(1);
        assertThat(admin.ok("QueryVirtualRouterOffering", Map.of("conditions", List.of(Map.of("name", "name", "op", "=", "value", "x"))))
                .get("inventories")).isEmpty();
    }

    @Test
    void queriesReachTheSeedsNestedFields() {
        f.userVm("n", f.guestL3);
        JsonNode vr = onlyRouter(f.guestL3);
        String mac = vr.get("vmNics").get(0).get("mac").asText();
        assertThat(query("QueryVirtualRouterVm", "vmNics.mac", mac)).hasSize(1);
        assertThat(query("QueryVirtualRouterVm", "virtualRouterOffering.uuid", f.offering)).hasSize(1);
        assertThat(query("QueryVirtualRouterVm", "image.uuid", f.vrImage)).hasSize(1);
        assertThat(query("QueryVirtualRouterVm", "zone.uuid", f.zone.zoneUuid())).hasSize(1);
        assertThat(query("QueryVirtualRouterVm", "host.uuid", f.zone.hostUuid())).isNotEmpty();
        assertThat(query("QueryVirtualRouterVm", "rootVolume.uuid", vr.get("rootVolumeUuid").asText())).hasSize(1);
        assertThat(query("QueryVirtualRouterOffering", "managementL3Network.uuid", f.managementL3)).hasSize(1);
        assertThat(query("QueryVirtualRouterOffering", "image.uuid", f.vrImage)).hasSize(1);
        assertThat(query("QueryVirtualRouterOffering", "publicL3Network.uuid", f.publicL3)).hasSize(1);
    }

    @Test
    void aFlatNetworkGetsDhcpAndDnsButNoSnatAndItsOwnGateway() {
        String flat = f.guestL3("flat", "10.97." + OCTET.getAndIncrement() + ".0/24", List.of("DHCP", "DNS"));
        String offering = f.vrOffering("flat", false, f.managementL3, flat);
        admin.ok("CreateSystemTag", Map.of("resourceType", "InstanceOfferingVO", "resourceUuid", offering, "tag", "guestL3Network::" + flat));
        admin.ok("CreateSystemTag", Map.of("resourceType", "InstanceOfferingVO", "resourceUuid", offering, "tag", "commandsParallelismDegree::7"));
        JsonNode vm = f.userVm("flatvm", flat);
        JsonNode vr = onlyRouter(flat);
        assertThat(vr.get("vmNics")).extracting(n -> n.get("l3NetworkUuid").asText()).containsExactly(f.managementL3, flat);
        String gateway = vm.get("vmNics").get(0).get("gateway").asText();
        assertThat(vr.get("vmNics").get(1).get("ip").asText()).as("on a flat network the gateway is outside the router")
                .isNotEqualTo(gateway);
        DesiredRouterState.State state = RouterStateChecker.assertInSync(node, vr.get("uuid").asText());
        assertThat(state.snats()).isEmpty();
        assertThat(state.dhcp()).singleElement().satisfies(d -> assertThat(d.gateway()).isEqualTo(gateway));
        JsonNode inherited = admin.ok("QuerySystemTag", Map.of("conditions", List.of(
                Map.of("name", "resourceUuid", "op", "=", "value", vr.get("uuid").asText())))).get("inventories");
        assertThat(inherited).extracting(t -> t.get("tag").asText()).containsExactly("commandsParallelismDegree::7");
    }

    @Test
    void servicesAttachedAfterTheRouterExistsReachIt() {
        String l3 = f.guestL3("late", "10.96." + OCTET.getAndIncrement() + ".0/24", List.of("DHCP", "DNS"));
        f.userVm("late", l3);
        String vr = onlyRouter(l3).get("uuid").asText();
        assertThat(RouterStateChecker.assertInSync(node, vr).snats()).isEmpty();
        admin.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3, "networkServices", Map.of(f.providerUuid, List.of("SNAT"))));
        assertThat(RouterStateChecker.assertInSync(node, vr).snats()).hasSize(1);
        admin.ok("DetachNetworkServiceFromL3Network", Map.of("l3NetworkUuid", l3, "networkServices", Map.of(f.providerUuid, List.of("SNAT"))));
        assertThat(RouterStateChecker.assertInSync(node, vr).snats()).isEmpty();
    }

    @Test
    void dnsChangesOfTheGuestL3ReachItsRouterInOrder() {
        f.userVm("dns", f.guestL3);
        String vr = onlyRouter(f.guestL3).get("uuid").asText();
        admin.ok("RemoveDnsFromL3Network", Map.of("l3NetworkUuid", f.guestL3, "dns", "1.1.1.1"));
        admin.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", f.guestL3, "dns", "1.0.0.1"));
        assertThat(RouterStateChecker.assertInSync(node, vr).dns()).extracting(DnsInfo::dnsAddress)
                .containsExactly("8.8.8.8", "9.9.9.9", "1.0.0.1");
    }

    private JsonNode query(String api, String field, String value) {
        return admin.ok(api, Map.of("conditions", List.of(Map.of("name", field, "op", "=", "value", value)))).get("inventories");
    }
}
