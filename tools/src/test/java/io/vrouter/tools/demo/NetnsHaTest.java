package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.hostagent.HostAgent;
import io.vrouter.hostagent.HostAgentSettings;
import io.vrouter.hostagent.HostTesting;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A VRRP pair with real packets, through the API only, on the netns backend: keepalived and conntrackd in the two
 * router namespaces, a guest pinging the outside every 10 ms, one TCP connection from the guest through SNAT and one
 * from the outside through an EIP held open across each failover. The master's processes are killed; its links are
 * taken down; the pair is cut apart. Each time the ping loss is printed (no timing is asserted), both connections
 * must still carry data, a fresh DHCP exchange and a DNS lookup must work, haStatus must flip, and the old master
 * must come back as backup. Needs root, keepalived and conntrackd; skipped with the reason otherwise. Everything made
 * carries the node's netns prefix and is removed at the end, also on failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class NetnsHaTest {
    private static final int ECHO_OUTSIDE = 8081;
    private static final int ECHO_GUEST = 9000;
    private static final Duration LEASE = Duration.ofSeconds(60);
    /** How soon after a split brain is settled the paths through the pair must work again (functional, not a benchmark). */
    private static final Duration PATH_BACK = Duration.ofSeconds(5);
    private static TestNode node;
    private static SeedWorld world;
    private static HostAgent hypervisor;
    private static ApiClient api;
    private static String haL3;
    private static String gateway;
    private static String guestNs;
    private static String vipIp;
    private static final List<Process> processes = new ArrayList<>();
    private static GuestProbe.Conversation viaSnat;
    private static GuestProbe.Conversation viaEip;
    private static final List<GuestProbe.Conversation> processesToClose = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        String reason = HostTesting.unavailableReason();
        if (reason == null && (!onPath("keepalived") || !onPath("conntrackd"))) {
            reason = "needs keepalived and conntrackd (./vrouter installs them)";
        }
        if (reason != null) {
            System.out.println("NetnsHaTest skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        System.setProperty(HostAgentSettings.AGENT_JAR_PROPERTY, HostTesting.agentJar().toString());
        System.setProperty(HostAgentSettings.RESTART_DELAY_PROPERTY, "1");
        try {
            node = TestNode.start(TestDatabase.H2);
            hypervisor = node.hostAgent();
            api = ApiClient.forUrl(node.url()).logIn(TestNode.ADMIN_PASSWORD);
            api.ok("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "ping.interval", "value", "1"));
            world = new SeedWorld(api, hypervisor, node.dataDir().resolve("outside"), step -> { });
        } finally {
            System.clearProperty(HostAgentSettings.AGENT_JAR_PROPERTY);
            System.clearProperty(HostAgentSettings.RESTART_DELAY_PROPERTY);
        }
        haL3 = world.guestL3(null, "ha", "10.203.0.0/24", List.of("DHCP", "DNS", "SNAT", "Eip"));
        api.ok("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", haL3, "tag", "virtualRouterHa::VRRP"));
        JsonNode guestVm = world.userVm("ha-guest", haL3);
        JsonNode eipVm = world.userVm("ha-eip", haL3);
        gateway = guestVm.get("vmNics").get(0).get("gateway").asText();
        guestNs = hypervisor.namespaceOf(guestVm.get("uuid").asText());
        String vip = api.create("CreateVip", "name", "ha-vip", "l3NetworkUuid", world.publicL3);
        vipIp = api.query("QueryVip", "uuid", "=", vip).get(0).get("ip").asText();
        api.create("CreateEip", "name", "ha-eip", "vipUuid", vip, "vmNicUuid", eipVm.get("vmNics").get(0).get("uuid").asText());
        GuestProbe guest = world.probe(guestVm.get("uuid").asText());
        assertThat(GuestProbe.await(LEASE, guest::address)).isEqualTo(SeedWorld.ipOn(guestVm, haL3));
        GuestProbe eipGuest = world.probe(eipVm.get("uuid").asText());
        String eipGuestIp = GuestProbe.await(LEASE, eipGuest::address);
        assertThat(eipGuestIp).isEqualTo(SeedWorld.ipOn(eipVm, haL3));
        processes.add(GuestProbe.startPeerRecorder(world.outside.namespace(), SeedWorld.OUTSIDE_IP, PeerRecorder.Listener.echo(ECHO_OUTSIDE)));
        processes.add(GuestProbe.startPeerRecorder(hypervisor.namespaceOf(eipVm.get("uuid").asText()), eipGuestIp,
                PeerRecorder.Listener.echo(ECHO_GUEST)));
    }

    private static boolean onPath(String tool) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @AfterAll
    static void tearDown() {
        NetnsTeardown.run(hypervisor,
                () -> { if (viaSnat != null) viaSnat.close(); },
                () -> { if (viaEip != null) viaEip.close(); },
                () -> processesToClose.forEach(GuestProbe.Conversation::close),
                () -> processes.forEach(Process::destroyForcibly),
                () -> { if (world != null) world.close(); },
                () -> { if (node != null) node.close(); },
                () -> { if (hypervisor != null) hypervisor.cleanAll(); });
    }

    private static String nsOf(String vr) {
        return hypervisor.namespaceOf(vr);
    }

    @Test
    @Order(1)
    void anHaL3HasTwoRoutersOneMasterServingTheGatewayAndBothConnectionsOpen() {
        List<JsonNode> routers = world.routersOn(haL3);
        assertThat(routers).hasSize(2);
        routers.forEach(r -> assertThat(SeedWorld.ipOn(r, haL3)).isNotEqualTo(gateway));
        String master = HaFailover.awaitMaster(api, haL3, Duration.ofSeconds(30), true);
        assertThat(master).as("one master and one backup; statuses " + HaFailover.haStatuses(api, haL3)).isNotNull();
        GuestProbe guest = new GuestProbe(guestNs);
        assertThat(guest.defaultGateway()).isEqualTo(gateway);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        assertThat(HaFailover.macsAnswering(guestNs, gateway)).hasSize(1);

        viaSnat = guest.converse(SeedWorld.OUTSIDE_IP, ECHO_OUTSIDE);
        // the echo peer greets with the address it sees: the pair's floating public address, neither router's own
        String seen = viaSnat.receive(Duration.ofSeconds(10));
        assertThat(seen).startsWith("peer ");
        routers.forEach(r -> assertThat(seen).isNotEqualTo("peer " + SeedWorld.ipOn(r, world.publicL3)));
        assertThat(viaSnat.exchange("snat-hello", Duration.ofSeconds(10))).isEqualTo("snat-hello");
        viaEip = new GuestProbe(world.outside.namespace()).converse(vipIp, ECHO_GUEST);
        assertThat(viaEip.receive(Duration.ofSeconds(10))).isEqualTo("peer " + SeedWorld.OUTSIDE_IP);
        assertThat(viaEip.exchange("eip-hello", Duration.ofSeconds(10))).isEqualTo("eip-hello");
    }

    /**
     * One failover: ping while {@code breakIt} hits the master; then the backup must be master, every service must
     * work from it, and after {@code mendIt} the old master must come back as backup (and stay so).
     */
    private void failover(String what, java.util.function.Consumer<String> breakIt, java.util.function.Consumer<String> mendIt)
            throws Exception {
        try {
            failoverOnce(what, breakIt, mendIt);
        } catch (AssertionError e) {
            diagnose();
            throw e;
        }
    }

    /** What an operator would look at: each router's addresses, and the HA lines of its agent's and keepalived's logs. */
    private static void diagnose() {
        CommandRunner runner = new CommandRunner(Duration.ofSeconds(10));
        for (String vr : HaFailover.haStatuses(api, haL3).keySet()) {
            System.out.println("=== router " + vr + ": " + runner.run(List.of("ip", "-n", nsOf(vr), "-4", "-o", "addr"), null).stdout());
            System.out.println("conntrack: " + runner.run(List.of("ip", "netns", "exec", nsOf(vr), "conntrack", "-L", "-p", "tcp"), null).stdout());
            try (var confs = java.nio.file.Files.walk(node.dataDir())) {
                for (java.nio.file.Path conf : confs.filter(f -> f.toString().contains(vr) && f.endsWith("conntrackd.conf")).toList()) {
                    for (String flag : List.of("-i", "-e", "-s")) {
                        System.out.println("conntrackd " + flag + ": " + runner.run(List.of("ip", "netns", "exec", nsOf(vr),
                                "conntrackd", "-C", conf.toString(), flag), null));
                    }
                }
            } catch (java.io.IOException e) {
                System.out.println("cannot find conntrackd.conf: " + e);
            }
            try (var files = java.nio.file.Files.walk(node.dataDir())) {
                for (java.nio.file.Path f : files.filter(f -> f.toString().contains(vr)
                        && (f.endsWith("agent.log") || f.endsWith("keepalived.log") || f.endsWith("conntrackd.log"))).toList()) {
                    List<String> lines = java.nio.file.Files.readAllLines(f);
                    System.out.println("--- " + f);
                    lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
                }
            } catch (java.io.IOException e) {
                System.out.println("cannot read the logs: " + e);
            }
        }
    }

    private void failoverOnce(String what, java.util.function.Consumer<String> breakIt, java.util.function.Consumer<String> mendIt)
            throws Exception {
        String master = HaFailover.awaitMaster(api, haL3, Duration.ofSeconds(60), true);
        assertThat(master).as("a master and a backup before: " + HaFailover.haStatuses(api, haL3)).isNotNull();
        String backup = HaFailover.haStatuses(api, haL3).keySet().stream().filter(r -> !r.equals(master)).findFirst().orElseThrow();

        HaFailover.PingRun ping = HaFailover.startPing(guestNs, SeedWorld.OUTSIDE_IP, 10, Duration.ofSeconds(6));
        Thread.sleep(1500);
        breakIt.accept(master);
        HaFailover.PingResult result = ping.finish();
        System.out.printf("NetnsHaTest %s: %d of %d pings lost, longest gap %d ms%n", what, result.lost(), result.sent(),
                result.longestGapMillis());

        assertThat(HaFailover.awaitStatus(api, haL3, backup, "Master", Duration.ofSeconds(20)))
                .as("the backup became master: " + HaFailover.haStatuses(api, haL3)).isTrue();
        assertThat(result.received()).as("the guest's pings came back after the failover").isPositive();
        assertThat(viaSnat.exchange(what + "-snat", Duration.ofSeconds(10))).as("the established connection through SNAT")
                .isEqualTo(what + "-snat");
        assertThat(viaEip.exchange(what + "-eip", Duration.ofSeconds(10))).as("the established connection through the EIP")
                .isEqualTo(what + "-eip");
        GuestProbe guest = new GuestProbe(guestNs);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        assertThat(HaFailover.dhcpAnswers(guestNs)).as("a DHCP exchange with the new master").isTrue();

        mendIt.accept(master);
        assertThat(HaFailover.awaitStatus(api, haL3, master, "Backup", Duration.ofSeconds(90)))
                .as("the old master came back as backup: " + HaFailover.haStatuses(api, haL3)).isTrue();
        Thread.sleep(2000);
        assertThat(HaFailover.haStatuses(api, haL3)).as("no preemption").containsEntry(backup, "Master").containsEntry(master, "Backup");
        assertThat(HaFailover.macsAnswering(guestNs, gateway)).hasSize(1);
    }

    @Test
    @Order(2)
    void theMastersProcessesKilled() throws Exception {
        failover("kill", vr -> HaFailover.killAll(nsOf(vr)), vr -> { });
    }

    @Test
    @Order(3)
    void theMastersLinksDown() throws Exception {
        failover("links-down", vr -> HaFailover.links(nsOf(vr), false), vr -> HaFailover.links(nsOf(vr), true));
    }

    @Test
    @Order(4)
    void aPartitionBetweenThePairLeavesAtMostOneMasterOnTheGuestL2() throws Exception {
        List<String> pair = new ArrayList<>(HaFailover.haStatuses(api, haL3).keySet());
        try {
            pair.forEach(vr -> HaFailover.partition(nsOf(vr), true));
            // the backup stops hearing adverts and takes over (announcing itself); the node sees two masters and stands
            // the later one down: settled when the node shows one master and the other in FAULT
            String master = awaitSettled(Duration.ofSeconds(30));
            long settledAt = System.nanoTime();
            assertThat(master).as("the node settled the split brain: " + HaFailover.haStatuses(api, haL3)).isNotNull();
            // the neighbours learnt the stood-down router's MAC for the floating addresses while it was master: the one
            // that stays master must announce itself again, or the path out stays dead until their ARP entries expire
            HaFailover.PingRun out = HaFailover.startPing(guestNs, SeedWorld.OUTSIDE_IP, 10, PATH_BACK.plusSeconds(5));
            HaFailover.PingRun in = HaFailover.startPing(world.outside.namespace(), vipIp, 10, PATH_BACK.plusSeconds(5));
            HaFailover.PingRun toGateway = HaFailover.startPing(guestNs, gateway, 10, PATH_BACK.plusSeconds(5));
            long outMillis = out.firstReplyMillis();
            long inMillis = in.firstReplyMillis();
            long gatewayMillis = toGateway.firstReplyMillis();
            System.out.printf("NetnsHaTest partition settled (master %s): the path works again after: out through SNAT %d ms, "
                    + "in through the EIP %d ms, to the gateway %d ms (-1: not within %d s)%n", master, outMillis, inMillis,
                    gatewayMillis, PATH_BACK.plusSeconds(5).toSeconds());
            assertThat(outMillis).as("a guest reaches the outside through SNAT soon after the split brain is settled")
                    .isBetween(0L, PATH_BACK.toMillis());
            assertThat(inMillis).as("the outside reaches the EIP soon after the split brain is settled").isBetween(0L, PATH_BACK.toMillis());
            assertThat(gatewayMillis).as("a guest reaches its gateway soon after the split brain is settled").isBetween(0L, PATH_BACK.toMillis());
            String floatingPublic = GuestProbe.await(PATH_BACK, () -> new GuestProbe(guestNs).sourceSeenBy(SeedWorld.OUTSIDE_IP, ECHO_OUTSIDE));
            assertThat(floatingPublic).as("a new connection through SNAT").isNotNull();
            assertThat(GuestProbe.await(PATH_BACK, () -> new GuestProbe(world.outside.namespace()).sourceSeenBy(vipIp, ECHO_GUEST)))
                    .as("a new connection through the EIP").isEqualTo(SeedWorld.OUTSIDE_IP);
            // the paths may work through the router standing down (its rules and connection table are all there, and it
            // forwards what still comes to its MAC), but only until the neighbours' entries age out and their unicast
            // probes to its MAC go unanswered: the neighbours must have switched to the master's MAC
            JsonNode masterVm = world.routersOn(haL3).stream().filter(r -> r.get("uuid").asText().equals(master)).findFirst().orElseThrow();
            Map<String, String> expected = new java.util.LinkedHashMap<>();
            expected.put(guestNs + " " + gateway, macOn(masterVm, haL3));
            expected.put(world.outside.namespace() + " " + floatingPublic, macOn(masterVm, world.publicL3));
            expected.put(world.outside.namespace() + " " + vipIp, macOn(masterVm, world.publicL3));
            Map<String, String> seen = new java.util.LinkedHashMap<>();
            String switched = GuestProbe.await(PATH_BACK, () -> {
                expected.keySet().forEach(k -> seen.put(k, neighbourMac(k.split(" ")[0], k.split(" ")[1])));
                return seen.equals(expected) ? "switched" : null;
            });
            System.out.printf("NetnsHaTest partition settled: the neighbours have the master's MAC %s ms after (expected %s, seen %s)%n",
                    switched == null ? "not within " + PATH_BACK.toMillis() : Long.toString((System.nanoTime() - settledAt) / 1_000_000),
                    expected, seen);
            assertThat(seen).as("the guest's entry for the gateway and the outside's for the floating address and the VIP "
                    + "hold the master's MAC (namespace + address -> MAC)").isEqualTo(expected);
            Set<String> answering = GuestProbe.await(Duration.ofSeconds(20), () -> {
                Set<String> macs = HaFailover.macsAnswering(guestNs, gateway);
                return macs.size() == 1 ? macs : null;
            });
            assertThat(answering).as("one MAC answers for the gateway; statuses " + HaFailover.haStatuses(api, haL3)).hasSize(1);
            // and it stays so
            for (int i = 0; i < 3; i++) {
                assertThat(HaFailover.macsAnswering(guestNs, gateway)).hasSizeLessThanOrEqualTo(1);
                assertThat(HaFailover.haStatuses(api, haL3).values().stream().filter("Master"::equals).count()).isLessThanOrEqualTo(1);
            }
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> new GuestProbe(guestNs).resolve(SeedWorld.OUTSIDE_NAME)))
                    .isEqualTo(SeedWorld.OUTSIDE_IP);
        } finally {
            pair.forEach(vr -> HaFailover.partition(nsOf(vr), false));
        }
    }

    /**
     * Waits until the node shows one router of the pair Master and the other in FAULT (stood down); returns the
     * master, or null after {@code timeout}. Polled every 50 ms: the moment is where the path's time back is counted from.
     */
    private static String awaitSettled(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, String> s = HaFailover.haStatuses(api, haL3);
            if (s.size() == 2 && s.containsValue("Fault")) {
                List<String> masters = s.entrySet().stream().filter(e -> e.getValue().equals("Master")).map(Map.Entry::getKey).toList();
                if (masters.size() == 1) {
                    return masters.get(0);
                }
            }
            Thread.sleep(50);
        }
        return null;
    }

    private static String macOn(JsonNode vm, String l3) {
        for (JsonNode nic : vm.get("vmNics")) {
            if (nic.get("l3NetworkUuid").asText().equals(l3)) {
                return nic.get("mac").asText().toLowerCase(java.util.Locale.ROOT);
            }
        }
        throw new IllegalStateException("no nic on " + l3 + " in " + vm);
    }

    /** The MAC the namespace's neighbour table holds for {@code ip}, or null when it has none. */
    private static String neighbourMac(String ns, String ip) {
        String[] words = new CommandRunner(Duration.ofSeconds(10)).run(List.of("ip", "-n", ns, "neigh", "show", ip), null).stdout().trim().split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("lladdr")) {
                return words[i + 1].toLowerCase(java.util.Locale.ROOT);
            }
        }
        return null;
    }

    @Test
    @Order(5)
    void removingTheHaTagTurnsThePairIntoOnePlainRouter_theGuestServedThroughout() throws Exception {
        String master = HaFailover.awaitMaster(api, haL3, Duration.ofSeconds(60), true);
        assertThat(master).as("a master and a backup before: " + HaFailover.haStatuses(api, haL3)).isNotNull();
        String tag = api.query("QuerySystemTag", "resourceUuid", "=", haL3).stream()
                .filter(t -> t.get("tag").asText().equals("virtualRouterHa::VRRP")).findFirst().orElseThrow().get("uuid").asText();
        // the path out works before (the partition above must have left it working)
        assertThat(GuestProbe.await(Duration.ofSeconds(90), () -> new GuestProbe(guestNs).sourceSeenBy(SeedWorld.OUTSIDE_IP, ECHO_OUTSIDE)))
                .as("the guest reaches the outside through the pair before").isNotNull();
        GuestProbe outside = new GuestProbe(world.outside.namespace());
        assertThat(GuestProbe.await(Duration.ofSeconds(90), () -> outside.sourceSeenBy(vipIp, ECHO_GUEST)))
                .as("the outside reaches the EIP before").isNotNull();
        GuestProbe.Conversation eip = outside.converse(vipIp, ECHO_GUEST);
        processesToClose.add(eip);
        assertThat(eip.receive(Duration.ofSeconds(10))).isEqualTo("peer " + SeedWorld.OUTSIDE_IP);
        assertThat(eip.exchange("pair-eip", Duration.ofSeconds(10))).isEqualTo("pair-eip");

        System.out.println("NetnsHaTest pair -> plain: ping from " + java.time.LocalTime.now());
        HaFailover.PingRun ping = HaFailover.startPing(guestNs, SeedWorld.OUTSIDE_IP, 10, Duration.ofSeconds(15));
        Thread.sleep(1000);
        System.out.println("NetnsHaTest pair -> plain: DeleteTag at " + java.time.LocalTime.now());
        api.ok("DeleteTag", Map.of("uuid", tag));
        // the pair keeper runs every ping round (1 s here)
        String plain = GuestProbe.await(Duration.ofSeconds(60), () -> {
            List<JsonNode> routers = world.routersOn(haL3);
            return routers.size() == 1 && routers.get(0).path("haStatus").asText().equals("NoHa") ? routers.get(0).get("uuid").asText() : null;
        });
        HaFailover.PingResult result = ping.finish();
        System.out.printf("NetnsHaTest pair -> plain: %d of %d pings lost, longest gap %d ms (from %d ms after the first ping)%n",
                result.lost(), result.sent(), result.longestGapMillis(), result.longestGapStartMillis());
        if (System.getenv("VROUTER_HA_TRACE") != null) { // where the gap goes: the kept router's agent, step by step
            try (var files = java.nio.file.Files.walk(node.dataDir())) {
                for (java.nio.file.Path f : files.filter(f -> f.toString().contains(plain) && f.endsWith("agent.log")).toList()) {
                    List<String> lines = java.nio.file.Files.readAllLines(f);
                    lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
                }
            }
        }

        assertThat(plain).as("one plain router left: " + HaFailover.haStatuses(api, haL3)).isEqualTo(master);
        assertThat(SeedWorld.ipOn(world.routersOn(haL3).get(0), haL3)).as("its guest nic owns the gateway").isEqualTo(gateway);
        assertThat(result.received()).as("the guest's pings came back").isPositive();
        assertThat(eip.exchange("plain-eip", Duration.ofSeconds(10)))
                .as("the established connection through the EIP: the same router, its conntrack entry kept").isEqualTo("plain-eip");
        assertThat(HaFailover.macsAnswering(guestNs, gateway)).hasSize(1);
        GuestProbe guest = new GuestProbe(guestNs);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);
        assertThat(HaFailover.dhcpAnswers(guestNs)).as("a DHCP exchange with the plain router").isTrue();
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, ECHO_OUTSIDE)))
                .as("a new connection leaves with the router's own public address")
                .isEqualTo(SeedWorld.ipOn(world.routersOn(haL3).get(0), world.publicL3));
        List<String> programs = new ArrayList<>();
        for (String pid : new CommandRunner(Duration.ofSeconds(10)).run(List.of("ip", "netns", "pids", nsOf(plain)), null).stdout().split("\\s+")) {
            if (!pid.isBlank()) {
                try {
                    programs.add(java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid.trim(), "comm")).trim());
                } catch (java.io.IOException gone) {
                    // ended meanwhile
                }
            }
        }
        assertThat(programs).as("no VRRP left in the router").doesNotContain("keepalived", "conntrackd").contains("dnsmasq");
    }
}
