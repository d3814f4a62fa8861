package io.vrouter.server.hypervisor.netns;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.agent.process.CommandRunner;
import io.vrouter.server.demo.DemoApi;
import io.vrouter.server.demo.GuestProbe;
import io.vrouter.server.demo.Outside;
import io.vrouter.server.demo.SeedWorld;
import io.vrouter.server.testing.TestDatabase;
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
    private static NetnsHypervisor hypervisor;
    private static String guestVm;
    private static JsonNode router;

    @BeforeAll
    static void setUp() {
        String reason = NetnsTesting.unavailableReason();
        if (reason != null) {
            System.out.println("NetnsEndToEndTest skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        System.setProperty(NetnsSettings.AGENT_JAR_PROPERTY, NetnsTesting.agentJar().toString());
        System.setProperty(NetnsSettings.RESTART_DELAY_PROPERTY, "8");
        try {
            node = TestNode.start(TestDatabase.H2);
            hypervisor = node.node().netns().hypervisor();
            DemoApi api = new DemoApi(node.url()).logIn(TestNode.ADMIN_PASSWORD);
            api.call("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "ping.interval", "value", "1"));
            world = new SeedWorld(api, hypervisor, node.dataDir().resolve("outside"), step -> { });
        } finally {
            System.clearProperty(NetnsSettings.AGENT_JAR_PROPERTY);
            System.clearProperty(NetnsSettings.RESTART_DELAY_PROPERTY);
        }
    }

    @AfterAll
    static void tearDown() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Runnable step : new Runnable[] {
                () -> { if (world != null) world.close(); },
                () -> { if (node != null) node.close(); },
                () -> { if (hypervisor != null) hypervisor.cleanAll(); }}) {
            try {
                step.run();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (hypervisor != null) {
            String prefix = hypervisor.names().prefix();
            assertThat(NetnsTesting.leftovers(prefix)).as("namespaces and links left with prefix " + prefix).isEmpty();
        }
        if (!failures.isEmpty()) {
            failures.subList(1, failures.size()).forEach(failures.get(0)::addSuppressed);
            throw failures.get(0);
        }
    }

    @Test
    @Order(1)
    void privateTypology_guestGetsItsLeaseFromTheRouterResolvesThroughItAndIsSnatted() {
        JsonNode vm = world.userVm("guest-1", world.guestL3);
        guestVm = vm.get("uuid").asText();
        JsonNode routers = world.routersOn(world.guestL3);
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
        world.api.call("StopVmInstance", Map.of("uuid", vr));
        assertThat(guest.resolve(SeedWorld.OUTSIDE_NAME)).isNull();
        assertThat(guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)).isNull();

        world.api.call("StartVmInstance", Map.of("uuid", vr));
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
        world.api.call("AddDnsToL3Network", Map.of("l3NetworkUuid", world.publicL3, "dns", SeedWorld.OUTSIDE_IP));
        world.attach(world.publicL3, List.of("DHCP", "DNS"));
        JsonNode vm = world.userVm("flat-guest", world.publicL3);
        String vmIp = SeedWorld.ipOn(vm, world.publicL3);
        JsonNode routers = world.routersOn(world.publicL3);
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
        Assumptions.assumeTrue(node.node().catalogue().find("CreateEip").isPresent()
                        && node.node().catalogue().find("CreatePortForwardingRule").isPresent(),
                "needs the VIP, EIP and port forwarding APIs");
        world.attach(world.guestL3, List.of("Eip", "PortForwarding"));
        JsonNode vm = world.api.query("QueryVmInstance", "uuid", "=", guestVm).get(0);
        String nic = vm.get("vmNics").get(0).get("uuid").asText();
        String guestIp = SeedWorld.ipOn(vm, world.guestL3);
        GuestProbe guest = world.probe(guestVm);
        GuestProbe outside = new GuestProbe(world.outside.namespace());
        Process listener = GuestProbe.startPeerRecorder(hypervisor.namespaceOf(guestVm), guestIp, Outside.PORT);
        try {
            // EIP: the outside reaches the guest at the VIP and is seen with its own address; the guest goes out as the VIP
            JsonNode vip = world.api.create("CreateVip", "name", "eip-vip", "l3NetworkUuid", world.publicL3);
            String vipIp = vip.get("ip").asText();
            JsonNode eip = world.api.create("CreateEip", "name", "eip", "vipUuid", vip.get("uuid").asText(), "vmNicUuid", nic);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> outside.sourceSeenBy(vipIp, Outside.PORT))).isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT))).isEqualTo(vipIp);
            world.api.call("DetachEip", Map.of("uuid", eip.get("uuid").asText()));
            assertThat(outside.sourceSeenBy(vipIp, Outside.PORT)).as("detached EIP").isNull();
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                    .isEqualTo(SeedWorld.ipOn(router, world.publicL3));

            // port forwarding: TCP vip:2222 -> guest:8080; a rule allowing only another CIDR drops the outside
            JsonNode pfVip = world.api.create("CreateVip", "name", "pf-vip", "l3NetworkUuid", world.publicL3);
            String pfIp = pfVip.get("ip").asText();
            world.api.create("CreatePortForwardingRule", "name", "pf-open", "vipUuid", pfVip.get("uuid").asText(), "vipPortStart", 2222,
                    "privatePortStart", Outside.PORT, "protocolType", "TCP", "vmNicUuid", nic);
            world.api.create("CreatePortForwardingRule", "name", "pf-closed", "vipUuid", pfVip.get("uuid").asText(), "vipPortStart", 2223,
                    "privatePortStart", Outside.PORT, "protocolType", "TCP", "vmNicUuid", nic, "allowedCidr", "10.99.0.0/16");
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> outside.sourceSeenBy(pfIp, 2222))).isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(outside.sourceSeenBy(pfIp, 2223)).as("allowedCidr excludes the outside").isNull();
        } finally {
            listener.destroy();
            listener.waitFor();
        }
    }

    @Test
    @Order(7)
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

        System.setProperty(NetnsSettings.AGENT_JAR_PROPERTY, NetnsTesting.agentJar().toString());
        try {
            node.restart();
        } finally {
            System.clearProperty(NetnsSettings.AGENT_JAR_PROPERTY);
        }
        hypervisor = node.node().netns().hypervisor();
        DemoApi api = new DemoApi(node.url()).logIn(TestNode.ADMIN_PASSWORD);

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
