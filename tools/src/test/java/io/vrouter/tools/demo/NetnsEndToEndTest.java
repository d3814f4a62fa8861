package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.hostagent.HostAgent;
import io.vrouter.hostagent.HostAgentSettings;
import io.vrouter.hostagent.HostTesting;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.client.ApiClient;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.tools.demo.PeerRecorder.Listener;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packets, end to end, through the API only, on the netns backend: real bridges and namespaces, the real agent jar
 * in the routers, busybox udhcpc in the guests, dnsmasq and a TCP peer recorder as the outside world. Needs root and
 * the agent jar (built by {@code mvn package} before the server's tests); skipped with the reason otherwise. Tests
 * share one node and one seed world and run in order; everything made carries the node's netns prefix and is
 * removed at the end, also on failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class NetnsEndToEndTest {
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static TestNode node;
    private static SeedWorld world;
    private static HostAgent hypervisor;
    private static String guestVm;
    private static JsonNode router;
    /** The L3 that is management and public of two routers, and guest of one of them (built by {@link #combined()}). */
    private static Combined combined;
    private static String mpRouter;
    /** A second host of the outside world, on the public L3 at {@link #OTHER_CLIENT_IP}. */
    private static Outside otherClient;
    private static final String OTHER_CLIENT_IP = "203.0.113.250";
    private static final List<Outside> extraOutsides = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        String reason = HostTesting.unavailableReason();
        if (reason != null) {
            System.out.println("NetnsEndToEndTest skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        System.setProperty(HostAgentSettings.AGENT_JAR_PROPERTY, HostTesting.agentJar().toString());
        System.setProperty(HostAgentSettings.RESTART_DELAY_PROPERTY, "8");
        try {
            node = TestNode.start(TestDatabase.H2);
            hypervisor = node.hostAgent();
            ApiClient api = ApiClient.forUrl(node.url()).logIn(TestNode.ADMIN_PASSWORD);
            api.ok("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "ping.interval", "value", "1"));
            world = new SeedWorld(api, hypervisor, node.dataDir().resolve("outside"), step -> { });
        } finally {
            System.clearProperty(HostAgentSettings.AGENT_JAR_PROPERTY);
            System.clearProperty(HostAgentSettings.RESTART_DELAY_PROPERTY);
        }
    }

    @AfterAll
    static void tearDown() {
        NetnsTeardown.run(hypervisor,
                () -> extraOutsides.forEach(Outside::close),
                () -> { if (world != null) world.close(); },
                () -> { if (node != null) node.close(); },
                () -> { if (hypervisor != null) hypervisor.cleanAll(); });
    }

    @Test
    @Order(1)
    void privateTypology_guestGetsItsLeaseFromTheRouterResolvesThroughItAndIsSnatted() {
        JsonNode vm = world.userVm("guest-1", world.guestL3);
        guestVm = vm.get("uuid").asText();
        List<JsonNode> routers = world.routersOn(world.guestL3);
        assertThat(routers).hasSize(1);
        router = routers.get(0);
        assertThat(router.get("status").asText()).isEqualTo("Connected");
        String gateway = SeedWorld.ipOn(router, world.guestL3);
        String routerPublicIp = SeedWorld.ipOn(router, world.publicL3);
        GuestProbe guest = world.probe(guestVm);

        assertThat(GuestProbe.await(LEASE, guest::address)).isEqualTo(SeedWorld.ipOn(vm, world.guestL3));
        assertThat(guest.defaultGateway()).isEqualTo(gateway);
        assertThat(guest.resolvConf()).contains("nameserver " + gateway);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                .as("the source address the outside sees").isEqualTo(routerPublicIp);
        // the host's own resolver is never touched: the guest's is under /etc/netns
        assertThat(Path.of("/etc/netns", hypervisor.namespaceOf(guestVm), "resolv.conf")).content().contains("nameserver " + gateway);
    }

    @Test
    @Order(2)
    void routerStop_guestLosesService_routerStart_serviceBack() {
        String vr = router.get("uuid").asText();
        GuestProbe guest = world.probe(guestVm);
        world.api.ok("StopVmInstance", Map.of("uuid", vr));
        assertThat(guest.resolve(SeedWorld.OUTSIDE_NAME)).isNull();
        assertThat(guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)).isNull();

        world.api.ok("StartVmInstance", Map.of("uuid", vr));
        assertThat(status(vr)).isEqualTo("Connected");
        assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                .isEqualTo(SeedWorld.ipOn(router, world.publicL3));
    }

    @Test
    @Order(3)
    void agentKilled_routerDisconnected_thenAgentRestartedAndReconnected() {
        String vr = router.get("uuid").asText();
        long pid = hypervisor.agentPid(vr);
        assertThat(pid).isPositive();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        assertThat(awaitValue(Duration.ofSeconds(30), () -> status(vr), "Disconnected")).isEqualTo("Disconnected");
        assertThat(awaitValue(Duration.ofSeconds(90), () -> status(vr), "Connected")).isEqualTo("Connected");
        assertThat(hypervisor.agentPid(vr)).isPositive().isNotEqualTo(pid);
        GuestProbe guest = world.probe(guestVm);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                .isEqualTo(SeedWorld.ipOn(router, world.publicL3));
    }

    @Test
    @Order(4)
    void flatTypology_publicIsGuest_dhcpAndDnsFromTheRouter_noSnat() {
        // the router forwards to the L3's own DNS servers
        world.api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", world.publicL3, "dns", SeedWorld.OUTSIDE_IP));
        world.attach(world.publicL3, List.of("DHCP", "DNS"));
        JsonNode vm = world.userVm("flat-guest", world.publicL3);
        String vmIp = SeedWorld.ipOn(vm, world.publicL3);
        List<JsonNode> routers = world.routersOn(world.publicL3);
        JsonNode flatRouter = null;
        for (JsonNode r : routers) {
            if (!r.get("uuid").asText().equals(router.get("uuid").asText())) {
                flatRouter = r;
            }
        }
        assertThat(flatRouter).as("a router of its own for the flat L3").isNotNull();
        String routerIp = SeedWorld.ipOn(flatRouter, world.publicL3);
        GuestProbe guest = world.probe(vm.get("uuid").asText());

        assertThat(GuestProbe.await(LEASE, guest::address)).isEqualTo(vmIp);
        // the router is not the gateway here: DHCP hands out the L3's gateway (the outside), DNS is the router
        assertThat(guest.defaultGateway()).as("default route; DHCP client log:\n" + hypervisor.dhcpLog(vm.get("uuid").asText(), 0))
                .isEqualTo(SeedWorld.OUTSIDE_IP);
        assertThat(guest.resolvConf()).contains("nameserver " + routerIp);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        assertThat(guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)).as("no SNAT on a flat network").isEqualTo(vmIp);
    }

    @Test
    @Order(5)
    void twentyGuestsAtOnceOnAFreshL3_oneRouter_twentyLeases() throws Exception {
        String l3 = world.guestL3(null, "guest-20", "10.201.0.0/24", List.of("DHCP", "DNS", "SNAT"));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<CompletableFuture<JsonNode>> creations = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                String name = "crowd-" + i;
                creations.add(CompletableFuture.supplyAsync(() -> world.userVm(name, l3), pool));
            }
            List<JsonNode> vms = new ArrayList<>();
            for (CompletableFuture<JsonNode> c : creations) {
                vms.add(c.get());
            }
            assertThat(world.routersOn(l3)).hasSize(1);
            for (JsonNode vm : vms) {
                GuestProbe guest = world.probe(vm.get("uuid").asText());
                assertThat(GuestProbe.await(LEASE, guest::address)).as("lease of " + vm.get("name").asText())
                        .isEqualTo(SeedWorld.ipOn(vm, l3));
            }
            // guests on one L3 resolve each other through the router (default hostname: the IP with dashes)
            String otherIp = SeedWorld.ipOn(vms.get(1), l3);
            GuestProbe first = world.probe(vms.get(0).get("uuid").asText());
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> first.resolve(otherIp.replace('.', '-')))).isEqualTo(otherIp);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(6)
    void eipAndPortForwarding_reachTheGuestFromThePublicSide_detachOrAllowedCidrCutsIt() throws Exception {
        world.attach(world.guestL3, List.of("Eip", "PortForwarding"));
        GuestNic guestNic = GuestNic.of(vmInventory(guestVm));
        String nic = guestNic.nicUuid();
        String guestIp = guestNic.ip();
        GuestProbe guest = world.probe(guestVm);
        GuestProbe outside = outside();
        Process listener = GuestProbe.startPeerRecorder(hypervisor.namespaceOf(guestVm), guestIp, Outside.PORT);
        try {
            // EIP: the outside reaches the guest at the VIP and is seen with its own address; the guest goes out as the VIP
            JsonNode vip = world.api.inventory("CreateVip", "name", "eip-vip", "l3NetworkUuid", world.publicL3);
            String vipIp = vip.get("ip").asText();
            JsonNode eip = world.api.inventory("CreateEip", "name", "eip", "vipUuid", vip.get("uuid").asText(), "vmNicUuid", nic);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> outside.sourceSeenBy(vipIp, Outside.PORT))).isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT))).isEqualTo(vipIp);
            world.api.ok("DetachEip", Map.of("uuid", eip.get("uuid").asText()));
            assertThat(outside.sourceSeenBy(vipIp, Outside.PORT)).as("detached EIP").isNull();
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                    .isEqualTo(SeedWorld.ipOn(router, world.publicL3));

            // port forwarding: TCP vip:2222 -> guest:8080; a rule allowing only another CIDR drops the outside
            JsonNode pfVip = world.api.inventory("CreateVip", "name", "pf-vip", "l3NetworkUuid", world.publicL3);
            String pfIp = pfVip.get("ip").asText();
            world.api.inventory("CreatePortForwardingRule", "name", "pf-open", "vipUuid", pfVip.get("uuid").asText(), "vipPortStart", 2222,
                    "privatePortStart", Outside.PORT, "protocolType", "TCP", "vmNicUuid", nic);
            world.api.inventory("CreatePortForwardingRule", "name", "pf-closed", "vipUuid", pfVip.get("uuid").asText(), "vipPortStart", 2223,
                    "privatePortStart", Outside.PORT, "protocolType", "TCP", "vmNicUuid", nic, "allowedCidr", "10.99.0.0/16");
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> outside.sourceSeenBy(pfIp, 2222))).isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(outside.sourceSeenBy(pfIp, 2223)).as("allowedCidr excludes the outside").isNull();
        } finally {
            listener.destroy();
            listener.waitFor();
        }
    }

    // ---------------------------------------------------------------- the other typologies of the seed

    /** An L3 on a free /24 of 100.64.0.0/10 with its own outside world at .250 (DNS server and peer recorder). */
    private record Combined(String l2, String l3, String gateway, String outsideIp) {
    }

    private static Combined combined() {
        if (combined == null) {
            String l2 = world.newL2("comb0");
            String cidr = SeedWorld.freeManagementSubnet();
            String base = cidr.substring(0, cidr.lastIndexOf('.') + 1);
            String l3 = world.api.create("CreateL3Network", "l2NetworkUuid", l2, "name", "combined-l3", "system", false);
            // .200 and up stay free for the outside world
            world.api.ok("AddIpRange", Map.of("l3NetworkUuid", l3, "name", "combined-range", "startIp", base + "10",
                    "endIp", base + "199", "netmask", "255.255.255.0", "gateway", base + "1"));
            String outsideIp = base + "250";
            world.api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", outsideIp));
            extraOutsides.add(Outside.create(hypervisor, "cmb", l2, outsideIp + "/24", SeedWorld.OUTSIDE_NAME,
                    node.dataDir().resolve("outside")));
            combined = new Combined(l2, l3, base + "1", outsideIp);
        }
        return combined;
    }

    /** A virtual router offering whose management and public L3 are both {@code l3}, for the guest L3 {@code guestL3}. */
    private static void offeringFor(String guestL3, String l3, String name) {
        world.api.inventory("CreateVirtualRouterOffering", "name", name, "cpuNum", 1, "cpuSpeed", 1000, "memorySize", 128L << 20,
                "isDefault", false, "zoneUuid", world.zone, "managementNetworkUuid", l3, "publicNetworkUuid", l3,
                "imageUuid", world.vrImage, "systemTags", List.of("guestL3Network::" + guestL3));
    }

    @Test
    @Order(7)
    void publicAndManagementCombined_separateGuest_leaseDnsAndSnatThroughTheRouter() {
        Combined c = combined();
        String guestL3 = world.guestL3(null, "guest-mp", "10.202.0.0/24", c.outsideIp(), List.of("DHCP", "DNS", "SNAT"));
        offeringFor(guestL3, c.l3(), "mp-offering");
        JsonNode vm = world.userVm("mp-guest", guestL3);
        List<JsonNode> routers = world.routersOn(guestL3);
        assertThat(routers).hasSize(1);
        JsonNode r = routers.get(0);
        mpRouter = r.get("uuid").asText();
        assertThat(r.get("vmNics")).as("one nic for management and public, one for the guest").hasSize(2);
        assertThat(r.get("status").asText()).isEqualTo("Connected");
        String gateway = SeedWorld.ipOn(r, guestL3);
        GuestProbe guest = world.probe(vm.get("uuid").asText());

        assertThat(GuestProbe.await(LEASE, guest::address)).isEqualTo(SeedWorld.ipOn(vm, guestL3));
        assertThat(guest.defaultGateway()).isEqualTo(gateway);
        assertThat(guest.resolvConf()).contains("nameserver " + gateway);
        // only the outside of the combined L3 answers with its own address: the router forwarded the query there
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(c.outsideIp());
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(c.outsideIp(), Outside.PORT)))
                .as("SNAT to the router's management-and-public address").isEqualTo(SeedWorld.ipOn(r, c.l3()));
    }

    @Test
    @Order(8)
    void allThreeCombined_flat_dhcpAndDnsFromTheRouter_noSnat() {
        Combined c = combined();
        world.attach(c.l3(), List.of("DHCP", "DNS"));
        offeringFor(c.l3(), c.l3(), "flat-offering");
        JsonNode vm = world.userVm("combined-guest", c.l3());
        String vmIp = SeedWorld.ipOn(vm, c.l3());
        JsonNode flatRouter = null;
        for (JsonNode r : world.routersOn(c.l3())) {
            if (!r.get("uuid").asText().equals(mpRouter)) {
                flatRouter = r;
            }
        }
        assertThat(flatRouter).as("a router of its own for the combined L3").isNotNull();
        assertThat(flatRouter.get("vmNics")).as("one nic: management, public and guest").hasSize(1);
        assertThat(flatRouter.get("status").asText()).isEqualTo("Connected");
        String routerIp = SeedWorld.ipOn(flatRouter, c.l3());
        GuestProbe guest = world.probe(vm.get("uuid").asText());

        assertThat(GuestProbe.await(LEASE, guest::address)).as("lease; DHCP client log:\n" + hypervisor.dhcpLog(vm.get("uuid").asText(), 0))
                .isEqualTo(vmIp);
        // flat: DHCP hands out the L3's gateway (here the host's address on the bridge); the router is the DNS server
        assertThat(guest.defaultGateway()).isEqualTo(c.gateway());
        assertThat(guest.resolvConf()).contains("nameserver " + routerIp);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(c.outsideIp());
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(c.outsideIp(), Outside.PORT)))
                .as("no SNAT on a flat network").isEqualTo(vmIp);

        // the guest shares the router's management L3 and nic, yet cannot even open a connection to the agent's port
        // (it reaches the router: its DNS answered above); the management node still can
        String guestNs = hypervisor.namespaceOf(vm.get("uuid").asText());
        assertThat(tcpConnects(guestNs, routerIp, 53)).as("the guest opens a TCP connection to the router's DNS").isTrue();
        assertThat(tcpConnects(guestNs, routerIp, io.vrouter.agent.protocol.AgentPaths.DEFAULT_PORT))
                .as("a flat network's guest connects to the agent port").isFalse();
        try (java.net.Socket fromNode = new java.net.Socket()) {
            fromNode.connect(new java.net.InetSocketAddress(routerIp, io.vrouter.agent.protocol.AgentPaths.DEFAULT_PORT), 3000);
        } catch (java.io.IOException e) {
            throw new AssertionError("the management node's host cannot connect to the agent of the flat router: " + e, e);
        }
        world.api.call("ReconnectVirtualRouter", Map.of("vmInstanceUuid", flatRouter.get("uuid").asText()));
    }

    /** Whether a TCP connection from namespace {@code ns} to {@code ip:port} opens within 3 s (bash's /dev/tcp). */
    private static boolean tcpConnects(String ns, String ip, int port) {
        return new CommandRunner(Duration.ofSeconds(15)).run(List.of("ip", "netns", "exec", ns, "timeout", "3", "bash", "-c",
                "exec 3<>/dev/tcp/" + ip + "/" + port), null).succeeded();
    }

    // ---------------------------------------------------------------- port forwarding, hairpin, detach

    private static void attachRuleServices() {
        world.attachMissing(world.guestL3, List.of("Eip", "PortForwarding"));
    }

    private static JsonNode vmInventory(String uuid) {
        return world.api.query("QueryVmInstance", "uuid", "=", uuid).get(0);
    }

    /** A VM's first nic and its address on the guest L3, as the rule APIs and the probes need them. */
    private record GuestNic(String nicUuid, String ip) {
        static GuestNic of(JsonNode vm) {
            return new GuestNic(vm.get("vmNics").get(0).get("uuid").asText(), SeedWorld.ipOn(vm, world.guestL3));
        }
    }

    /** Probes run in the outside namespace on the public L2. */
    private static GuestProbe outside() {
        return new GuestProbe(world.outside.namespace());
    }

    private static JsonNode vip(String name) {
        return world.api.inventory("CreateVip", "name", name, "l3NetworkUuid", world.publicL3);
    }

    private static JsonNode forward(String name, JsonNode vip, String protocol, int vipStart, int vipEnd, int privateStart,
                                    String nic, String allowedCidr) {
        List<Object> params = new ArrayList<>(List.of("name", name, "vipUuid", vip.get("uuid").asText(), "vipPortStart", vipStart,
                "vipPortEnd", vipEnd, "privatePortStart", privateStart, "privatePortEnd", privateStart + vipEnd - vipStart,
                "protocolType", protocol, "vmNicUuid", nic));
        if (allowedCidr != null) {
            params.addAll(List.of("allowedCidr", allowedCidr));
        }
        return world.api.inventory("CreatePortForwardingRule", params.toArray());
    }

    @Test
    @Order(9)
    void portForwarding_udpARangeAndAllowedCidr_reachTheGuestExactlyAsConfigured() throws Exception {
        attachRuleServices();
        GuestNic guestNic = GuestNic.of(vmInventory(guestVm));
        String nic = guestNic.nicUuid();
        String guestIp = guestNic.ip();
        GuestProbe outside = outside();
        otherClient = Outside.create(hypervisor, "o2", world.publicL2, OTHER_CLIENT_IP + "/24", "other.outside.test",
                node.dataDir().resolve("outside"));
        extraOutsides.add(otherClient);
        GuestProbe other = new GuestProbe(otherClient.namespace());
        Process listener = GuestProbe.startPeerRecorder(hypervisor.namespaceOf(guestVm), guestIp,
                Listener.udp(9053), Listener.tcp(8101), Listener.tcp(8107), Listener.tcp(8120));
        try {
            JsonNode vip = vip("pf-vip-2");
            String vipIp = vip.get("ip").asText();

            // UDP: VIP:5353 -> guest:9053, the guest's answer comes back through the router
            forward("pf-udp", vip, "UDP", 5353, 5353, 9053, nic, null);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> outside.udpSourceSeenBy(vipIp, 5353))).isEqualTo(SeedWorld.OUTSIDE_IP);

            // a range: VIP 3100-3109 -> guest 8100-8109, each port to its own
            forward("pf-range", vip, "TCP", 3100, 3109, 8100, nic, null);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> outside.sourceSeenBy(vipIp, 3101))).isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(outside.sourceSeenBy(vipIp, 3107)).isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(outside.sourceSeenBy(vipIp, 3102)).as("3102 leads to 8102, where nothing listens").isNull();

            // allowedCidr: the outside (203.0.113.1) is inside it, the other client (203.0.113.250) is not
            forward("pf-cidr", vip, "TCP", 2120, 2120, 8120, nic, SeedWorld.OUTSIDE_IP + "/32");
            forward("pf-any", vip, "TCP", 2121, 2121, 8120, nic, null);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> outside.sourceSeenBy(vipIp, 2120))).isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> other.sourceSeenBy(vipIp, 2121)))
                    .as("the other client reaches the guest through a rule without allowedCidr").isEqualTo(OTHER_CLIENT_IP);
            assertThat(other.sourceSeenBy(vipIp, 2120)).as("but not through the rule whose allowedCidr excludes it").isNull();
        } finally {
            listener.destroy();
            listener.waitFor();
        }
    }

    @Test
    @Order(10)
    void hairpin_aGuestReachesAnotherGuestsEipAndForwardedPortOnItsOwnNetwork() throws Exception {
        attachRuleServices();
        JsonNode target = world.userVm("hairpin-target", world.guestL3);
        String targetUuid = target.get("uuid").asText();
        GuestNic targetGuestNic = GuestNic.of(target);
        String targetIp = targetGuestNic.ip();
        String targetNic = targetGuestNic.nicUuid();
        assertThat(GuestProbe.await(LEASE, world.probe(targetUuid)::address)).isEqualTo(targetIp);
        GuestProbe guest = world.probe(guestVm);
        GuestProbe outside = outside();
        String routerGuestIp = SeedWorld.ipOn(router, world.guestL3);
        Process listener = GuestProbe.startPeerRecorder(hypervisor.namespaceOf(targetUuid), targetIp, Listener.tcp(Outside.PORT));
        try {
            JsonNode vip = vip("hairpin-eip-vip");
            String vipIp = vip.get("ip").asText();
            JsonNode eip = world.api.inventory("CreateEip", "name", "hairpin-eip", "vipUuid", vip.get("uuid").asText(), "vmNicUuid", targetNic);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> outside.sourceSeenBy(vipIp, Outside.PORT))).isEqualTo(SeedWorld.OUTSIDE_IP);
            // in through the guest nic, DNATed back out of it: masqueraded to the router, so the reply returns the same way
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(vipIp, Outside.PORT)))
                    .as("guest-1 -> the other guest's EIP").isEqualTo(routerGuestIp);

            JsonNode pfVip = vip("hairpin-pf-vip");
            String pfIp = pfVip.get("ip").asText();
            forward("hairpin-pf", pfVip, "TCP", 2080, 2080, Outside.PORT, targetNic, null);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(pfIp, 2080)))
                    .as("guest-1 -> the other guest's forwarded port").isEqualTo(routerGuestIp);
            world.api.ok("DetachEip", Map.of("uuid", eip.get("uuid").asText()));
            assertThat(guest.sourceSeenBy(vipIp, Outside.PORT)).as("hairpin through a detached EIP").isNull();
        } finally {
            listener.destroy();
            listener.waitFor();
        }
    }

    /** Connects until the echo listener greets (a rule just attached may take a moment); the caller closes it. */
    private static GuestProbe.Conversation greeted(GuestProbe client, String ip, int port, String expectedPeer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            GuestProbe.Conversation c = client.converse(ip, port);
            String greeting = c.receive(Duration.ofSeconds(3));
            if (("peer " + expectedPeer).equals(greeting)) {
                return c;
            }
            c.close();
            assertThat(System.nanoTime()).as("greeted as " + expectedPeer + " by " + ip + ":" + port + " within 20 s (last: "
                    + greeting + ")").isLessThan(deadline);
        }
    }

    @Test
    @Order(11)
    void detach_anEstablishedFlowThroughAnEipOrAForwardedPortStopsAtOnce() throws Exception {
        attachRuleServices();
        GuestNic guestNic = GuestNic.of(vmInventory(guestVm));
        String nic = guestNic.nicUuid();
        String guestIp = guestNic.ip();
        GuestProbe outside = outside();
        Process listener = GuestProbe.startPeerRecorder(hypervisor.namespaceOf(guestVm), guestIp, Listener.echo(8090));
        try {
            JsonNode vip = vip("detach-eip-vip");
            String vipIp = vip.get("ip").asText();
            JsonNode eip = world.api.inventory("CreateEip", "name", "detach-eip", "vipUuid", vip.get("uuid").asText(), "vmNicUuid", nic);
            try (GuestProbe.Conversation flow = greeted(outside, vipIp, 8090, SeedWorld.OUTSIDE_IP)) {
                assertThat(flow.exchange("through the EIP", Duration.ofSeconds(5))).isEqualTo("through the EIP");
                world.api.ok("DetachEip", Map.of("uuid", eip.get("uuid").asText()));
                assertThat(flow.exchange("after DetachEip", Duration.ofSeconds(3))).as("the established flow once DetachEip replied").isNull();
            }

            JsonNode pfVip = vip("detach-pf-vip");
            String pfIp = pfVip.get("ip").asText();
            JsonNode rule = forward("detach-pf", pfVip, "TCP", 4090, 4090, 8090, nic, null);
            try (GuestProbe.Conversation flow = greeted(outside, pfIp, 4090, SeedWorld.OUTSIDE_IP)) {
                assertThat(flow.exchange("through the forwarded port", Duration.ofSeconds(5))).isEqualTo("through the forwarded port");
                world.api.ok("DetachPortForwardingRule", Map.of("uuid", rule.get("uuid").asText()));
                assertThat(flow.exchange("after DetachPortForwardingRule", Duration.ofSeconds(3)))
                        .as("the established flow once DetachPortForwardingRule replied").isNull();
            }
            assertThat(outside.sourceSeenBy(pfIp, 4090)).as("a new connection to the detached rule").isNull();
        } finally {
            listener.destroy();
            listener.waitFor();
        }
    }

    @Test
    @Order(12)
    void anAgentFromBeforeTls_isRedeployedWithACertificateAtReconnect() throws Exception {
        String vr = router.get("uuid").asText();
        Path dir = hypervisor.settings().workDir().resolve("vms").resolve(vr);
        Path config = dir.resolve("agent.json");
        Path log = dir.resolve("agent.log");
        // what a node from before TLS deployed: the same agent on plain HTTP, no certificate
        Files.writeString(config, Files.readString(config).replaceAll(",\"tls\":\\{[^}]*\\}", "")
                .replace("{\"name\"", "{\"plainHttp\":true,\"name\""));
        long before = hypervisor.agentPid(vr);
        ProcessHandle.of(before).ifPresent(ProcessHandle::destroy);
        // the supervisor restarts it from that config
        assertThat(awaitValue(Duration.ofSeconds(60), () -> lastListeningLine(log).contains("listening on http://"), true))
                .as("the agent restarted on plain HTTP; its log ends:\n" + lastListeningLine(log)).isTrue();

        world.api.call("ReconnectVirtualRouter", Map.of("vmInstanceUuid", vr));

        assertThat(status(vr)).isEqualTo("Connected");
        assertThat(Files.readString(config)).contains("\"tls\":{").doesNotContain("plainHttp");
        assertThat(lastListeningLine(log)).contains("listening on https://");
        GuestProbe guest = world.probe(guestVm);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
    }

    private static String lastListeningLine(Path log) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains(" listening on ")).reduce((a, b) -> b).orElse("");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    @Order(20)
    void managementNodeRestart_reconcileRecreatesWhatIsMissingAndRemovesStrays() {
        CommandRunner runner = new CommandRunner(Duration.ofSeconds(30));
        String stray = hypervisor.namespaceOf("0123456789abcdef0123456789abcdef");
        runner.check(List.of("ip", "netns", "add", stray), null);
        // while the node is down the host loses the guest (its namespace and DHCP client)
        String guestNs = hypervisor.namespaceOf(guestVm);
        runner.run(List.of("ip", "netns", "pids", guestNs), null).stdout().lines().map(String::trim)
                .filter(pid -> pid.matches("[1-9][0-9]+")).forEach(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly));
        runner.check(List.of("ip", "netns", "del", guestNs), null);
        String vr = router.get("uuid").asText();
        long agentBefore = hypervisor.agentPid(vr);

        System.setProperty(HostAgentSettings.AGENT_JAR_PROPERTY, HostTesting.agentJar().toString());
        try {
            node.restart();
        } finally {
            System.clearProperty(HostAgentSettings.AGENT_JAR_PROPERTY);
        }
        hypervisor = node.hostAgent();
        ApiClient api = ApiClient.forUrl(node.url()).logIn(TestNode.ADMIN_PASSWORD);

        assertThat(Files.exists(Path.of("/run/netns", stray))).as("stray namespace removed").isFalse();
        assertThat(hypervisor.agentPid(vr)).as("the router's agent kept running through the restart").isEqualTo(agentBefore);
        GuestProbe guest = world.probe(guestVm);
        assertThat(GuestProbe.await(LEASE, guest::address)).isNotNull();
        assertThat(awaitValue(Duration.ofSeconds(60), () -> api.query("QueryVirtualRouterVm", "uuid", "=", vr).get(0).get("status").asText(),
                "Connected")).isEqualTo("Connected");
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
    }

    private static String status(String vrUuid) {
        return world.api.query("QueryVirtualRouterVm", "uuid", "=", vrUuid).get(0).get("status").asText();
    }

    private static <T> T awaitValue(Duration timeout, Supplier<T> probe, T wanted) {
        T last = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (wanted.equals(last)) {
                return last;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return last;
    }
}
