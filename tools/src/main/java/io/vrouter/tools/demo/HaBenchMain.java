package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.agent.http.InProcessAgentHost;
import io.vrouter.client.ApiClient;
import io.vrouter.platform.files.FileTrees;
import io.vrouter.server.Clock;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.NodeOptions;
import io.vrouter.hostagent.HostAgent;
import io.vrouter.hostagent.HostCheck;
import io.vrouter.hostagent.InProcessHostAgent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./vrouter bench ha}, as root, on the netns backend:
 * <ul>
 *   <li>failover: a guest pings the public side every 10 ms while its pair's master dies (every link of its namespace
 *   down at once, which is what a dead VM or host looks like to its peer and its guests; killing its processes alone
 *   leaves its kernel forwarding); the longest gap in the replies, over T trials, with the project's advert interval
 *   and, in the same run, keepalived's default of 1 s as the reference;</li>
 *   <li>flows surviving: one TCP connection through SNAT and one through an EIP held open across every trial;</li>
 *   <li>the cost of HA on forwarding: iperf3 guest -> public through an HA master and through a plain router, in
 *   palindromic rounds (as {@code bench netns}), as a ratio.</li>
 * </ul>
 */
@Command(name = "vrouter bench ha", mixinStandardHelpOptions = true, sortOptions = false,
        description = "As root: failover time of VRRP pairs, flows surviving it, and the cost of HA on forwarding.")
public final class HaBenchMain implements Callable<Integer> {
    private static final int ECHO_OUTSIDE = 8082;
    private static final int ECHO_GUEST = 9001;

    @Option(names = "--trials", paramLabel = "T", description = "failovers per advert interval (default: ${DEFAULT-VALUE})")
    private int trials = 20;

    @Option(names = "--advert-ms", paramLabel = "MS", description = "the advert interval measured (default: ${DEFAULT-VALUE})")
    private int advertMs = 100;

    @Option(names = "--reference-advert-ms", paramLabel = "MS", description = "the reference (keepalived's default, 1 s; 0: skip)")
    private int referenceAdvertMs = 1000;

    @Option(names = "--iperf-seconds", paramLabel = "S", description = "seconds per iperf3 run (default: ${DEFAULT-VALUE})")
    private int seconds = 5;

    @Option(names = "--rounds", paramLabel = "R", description = "palindromic iperf3 rounds (0: skip) (default: ${DEFAULT-VALUE})")
    private int rounds = 3;

    @Option(names = "--host-death-pairs", paramLabel = "P", description = "instead: P pairs on a lab of 4 hosts lose their"
            + " masters at once (host 1 powered off); the time until every pair has a master again (0: not this)")
    private int hostDeathPairs = 0;

    public static void main(String[] args) {
        System.exit(new CommandLine(new HaBenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String problems = new HostCheck().problems();
        for (String tool : List.of("keepalived", "conntrackd", "iperf3")) {
            if (problems == null && !HostCheck.onPath(tool)) {
                problems = "missing " + tool;
            }
        }
        if (LabBench.cannotRun("ha", problems)) {
            return 1;
        }
        if (hostDeathPairs > 0) {
            return hostDeath();
        }
        Path dataDir = Files.createTempDirectory("vrouter-ha-bench-");
        InProcessHostAgent hostAgents = new InProcessHostAgent();
        ManagementNode node = new ManagementNode(new NodeOptions("127.0.0.1", 0, dataDir, null, null, null, "bench-password"), Clock.SYSTEM,
                new InProcessAgentHost(), hostAgents);
        HostAgent hypervisor = hostAgents.startedAgent(dataDir);
        SeedWorld world = null;
        List<Process> processes = new ArrayList<>();
        List<GuestProbe.Conversation> conversations = new ArrayList<>();
        try {
            ApiClient api = ApiClient.forUrl(node.start()).logIn("bench-password");
            api.ok("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "ping.interval", "value", "1"));
            setAdvert(api, advertMs);
            world = new SeedWorld(api, hypervisor, dataDir.resolve("outside"), step -> { });
            String haL3 = world.guestL3(null, "bench-ha", "10.220.0.0/24", List.of("DHCP", "DNS", "SNAT", "Eip"));
            api.ok("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", haL3, "tag", "virtualRouterHa::VRRP"));
            JsonNode guest = world.userVm("bench-ha-guest", haL3);
            JsonNode eipGuest = world.userVm("bench-ha-eip", haL3);
            String guestNs = hypervisor.namespaceOf(guest.get("uuid").asText());
            String eipGuestIp = GuestProbe.await(Duration.ofSeconds(60), world.probe(eipGuest.get("uuid").asText())::address);
            GuestProbe.await(Duration.ofSeconds(60), world.probe(guest.get("uuid").asText())::address);
            JsonNode vip = api.inventory("CreateVip", "name", "bench-ha-vip", "l3NetworkUuid", world.publicL3);
            api.inventory("CreateEip", "name", "bench-ha-eip", "vipUuid", vip.get("uuid").asText(),
                    "vmNicUuid", eipGuest.get("vmNics").get(0).get("uuid").asText());
            processes.add(GuestProbe.startPeerRecorder(world.outside.namespace(), SeedWorld.OUTSIDE_IP, PeerRecorder.Listener.echo(ECHO_OUTSIDE)));
            processes.add(GuestProbe.startPeerRecorder(hypervisor.namespaceOf(eipGuest.get("uuid").asText()), eipGuestIp,
                    PeerRecorder.Listener.echo(ECHO_GUEST)));
            GuestProbe.Conversation viaSnat = new GuestProbe(guestNs).converse(SeedWorld.OUTSIDE_IP, ECHO_OUTSIDE);
            conversations.add(viaSnat);
            viaSnat.receive(Duration.ofSeconds(10));
            GuestProbe.Conversation viaEip = new GuestProbe(world.outside.namespace()).converse(vip.get("ip").asText(), ECHO_GUEST);
            conversations.add(viaEip);
            viaEip.receive(Duration.ofSeconds(10));

            System.out.printf("failover: %d trials per advert interval, ping every 10 ms from a guest to the public side,"
                    + " the master's links all down at once; load average %s%n", trials, NetnsBenchMain.loadAverage());
            Trials fast = failovers(api, hypervisor, haL3, guestNs, viaSnat, viaEip, advertMs);
            Trials reference = null;
            if (referenceAdvertMs > 0) {
                setAdvert(api, referenceAdvertMs);
                reconfigure(api, haL3);
                reference = failovers(api, hypervisor, haL3, guestNs, viaSnat, viaEip, referenceAdvertMs);
                setAdvert(api, advertMs);
                reconfigure(api, haL3);
            }
            fast.print();
            if (reference != null) {
                reference.print();
                System.out.printf("median ratio (adverts %d ms / %d ms): %.2f%n", advertMs, referenceAdvertMs,
                        (double) fast.median() / Math.max(1, reference.median()));
            }

            if (rounds > 0) {
                forwardingCost(api, world, hypervisor, haL3, guestNs);
            }
            System.out.println("load average at the end: " + NetnsBenchMain.loadAverage());
        } finally {
            conversations.forEach(GuestProbe.Conversation::close);
            processes.forEach(Process::destroyForcibly);
            if (world != null) {
                world.close();
            }
            node.close();
            hypervisor.cleanAll();
            FileTrees.delete(dataDir);
        }
        return 0;
    }

    /**
     * The memory a router pair needs on its hosts, as measured on 2026-12-03 (two agent JVMs at ~126 MiB resident each,
     * keepalived ~13, conntrackd and dnsmasq ~5 each, per router).
     */
    private static final long PAIR_MIB_ESTIMATE = 2 * 150;
    /** The seed's public range holds 198 addresses: each router takes one, each pair one more (floating). */
    private static final int MAX_PAIRS_ON_THE_PUBLIC_RANGE = 60;

    /**
     * P HA guest L3s on a {@link io.vrouter.hostagent.lab.MultiHostLab} of 4 hosts: each pair's routers on host 1 and
     * host 2 or 3 (host 4 disabled while they are created), every master on host 1, one guest per L3 on host 4
     * pinging its gateway every 20 ms. Host 1 is powered off; the time until every pair has a master again, as the
     * node sees it and as the guests do.
     */
    private int hostDeath() throws Exception {
        String reason = io.vrouter.hostagent.lab.MultiHostLab.unavailableReason();
        if (reason != null) {
            System.err.println("ha benchmark: cannot run the host death here: " + reason);
            return 1;
        }
        long availableMiB = memAvailableMiB();
        int pairs = Math.min(hostDeathPairs, MAX_PAIRS_ON_THE_PUBLIC_RANGE);
        if ((long) pairs * PAIR_MIB_ESTIMATE > availableMiB * 8 / 10) {
            pairs = (int) (availableMiB * 8 / 10 / PAIR_MIB_ESTIMATE);
        }
        if (pairs != hostDeathPairs) {
            System.out.printf("host death: %d pairs asked, %d fit (memory available %d MiB at ~%d MiB a pair; public range)%n",
                    hostDeathPairs, pairs, availableMiB, PAIR_MIB_ESTIMATE);
        }
        try (LabBench bench = LabBench.open("vrouter-ha-hostdeath-")) {
            io.vrouter.hostagent.lab.MultiHostLab lab = bench.lab();
            ApiClient api = bench.startNode();
            // the routers' ping stays at its default (15 s): a TLS round trip to 100 agents every second is load of its
            // own on two cores, and the node learns of a takeover through its long poll (HaWatch), not the ping
            setAdvert(api, advertMs);
            MultiHostWorld world = bench.world(api, 4, 4L * pairs + 16);
            System.out.printf("host death: %d pairs, memory available %d MiB, load average %s%n", pairs, availableMiB,
                    NetnsBenchMain.loadAverage());
            api.ok("ChangeHostState", Map.of("uuid", world.host(4), "stateEvent", "disable"));
            long t0 = System.nanoTime();
            List<String> l3s = HaHostDeath.createSeeded(world, "bench", pairs, 0, world.host(1), 2);
            System.out.printf("%d HA L3s with their pairs created in %d s%n", pairs, (System.nanoTime() - t0) / 1_000_000_000);
            api.ok("ChangeHostState", Map.of("uuid", world.host(4), "stateEvent", "enable"));
            List<HaHostDeath.HaL3> guests = HaHostDeath.addGuests(world, "bench", l3s, world.host(4), 2);
            // a guest without its lease cannot ping: its pair is still measured from the node's view
            List<HaHostDeath.HaL3> measured = new ArrayList<>();
            List<String> leaseless = new ArrayList<>();
            long leaseDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (HaHostDeath.HaL3 g : guests) {
                Duration left = Duration.ofNanos(Math.max(Duration.ofSeconds(1).toNanos(), leaseDeadline - System.nanoTime()));
                if (GuestProbe.await(left, world.probe(g.guest())::address) == null) {
                    leaseless.add(g.name());
                    measured.add(new HaHostDeath.HaL3(g.uuid(), g.name(), g.guest(), null, g.gateway()));
                } else {
                    measured.add(g);
                }
            }
            if (!leaseless.isEmpty()) {
                System.out.printf("%d guest(s) had no lease 60 s after the guests were created, their pings left out: %s%n", leaseless.size(), leaseless);
            }
            HaHostDeath.mastersOn(world, world.host(1), l3s);
            Map<String, Long> memory = HaHostDeath.residentMemoryMiB(HaHostDeath.routerNamespaces(world, guests));
            long total = memory.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("resident memory of the %d routers: %d MiB (%d MiB a router) by program %s; memory available now %d MiB%n",
                    2 * pairs, total, total / Math.max(1, 2 * pairs), memory, memAvailableMiB());
            System.out.println("load average before the power-off: " + NetnsBenchMain.loadAverage());
            HaHostDeath.Outcome outcome = HaHostDeath.powerOff(world, lab.hosts().get(0), world.host(1), measured, 20,
                    Duration.ofSeconds(8), Duration.ofSeconds(60));
            System.out.println("host 1 powered off with " + pairs + " masters: " + outcome.summary());
            System.out.println("per pair, node's view (ms): " + outcome.nodeSawMasterMillis().values());
            System.out.println("per pair, guest's longest ping gap (ms): " + outcome.longestGapMillis().values());
            System.out.println("load average at the end: " + NetnsBenchMain.loadAverage());
            return outcome.withoutMaster().isEmpty() ? 0 : 2;
        }
    }

    private static long memAvailableMiB() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemAvailable:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).findFirst().orElse(0L);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static void setAdvert(ApiClient api, int ms) {
        api.ok("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "ha.advertInterval", "value", Integer.toString(ms)));
    }

    /** The advert interval reaches the pair on its next sync: a Reconnect of each router, the backup first. */
    private static void reconfigure(ApiClient api, String l3) {
        String master = HaFailover.awaitMaster(api, l3, Duration.ofSeconds(60), true);
        for (String vr : HaFailover.haStatuses(api, l3).keySet()) {
            if (!vr.equals(master)) {
                api.ok("ReconnectVirtualRouter", Map.of("vmInstanceUuid", vr));
            }
        }
        api.ok("ReconnectVirtualRouter", Map.of("vmInstanceUuid", master));
    }

    /** The longest ping gap of each trial, and how many trials each established connection survived. */
    private record Trials(int advertMs, List<Long> gaps, int snatSurvived, int eipSurvived) {
        long median() {
            List<Long> sorted = gaps.stream().sorted().toList();
            return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
        }

        void print() {
            List<Long> sorted = gaps.stream().sorted().toList();
            System.out.printf("adverts every %4d ms: longest ping gap median %d ms, worst %d ms, best %d ms over %d trials %s;"
                            + " established flows surviving: SNAT %d/%d, EIP %d/%d%n", advertMs, median(),
                    sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1), sorted.isEmpty() ? 0 : sorted.get(0), gaps.size(), gaps,
                    snatSurvived, gaps.size(), eipSurvived, gaps.size());
        }
    }

    private Trials failovers(ApiClient api, HostAgent hypervisor, String l3, String guestNs,
                             GuestProbe.Conversation viaSnat, GuestProbe.Conversation viaEip, int advert) throws InterruptedException {
        List<Long> gaps = new ArrayList<>();
        int snat = 0;
        int eip = 0;
        Duration pingFor = Duration.ofMillis(Math.max(4000, 8L * advert + 3000));
        for (int trial = 0; trial < trials; trial++) {
            String master = HaFailover.awaitMaster(api, l3, Duration.ofSeconds(60), true);
            if (master == null) {
                throw new IllegalStateException("no master and backup before trial " + trial + ": " + HaFailover.haStatuses(api, l3));
            }
            String backup = HaFailover.haStatuses(api, l3).keySet().stream().filter(r -> !r.equals(master)).findFirst().orElseThrow();
            HaFailover.PingRun ping = HaFailover.startPing(guestNs, SeedWorld.OUTSIDE_IP, 10, pingFor);
            Thread.sleep(1000);
            String ns = hypervisor.namespaceOf(master);
            HaFailover.links(ns, false);
            HaFailover.PingResult result = ping.finish();
            gaps.add(result.longestGapMillis());
            HaFailover.awaitStatus(api, l3, backup, "Master", Duration.ofSeconds(20));
            snat += ("t" + trial).equals(viaSnat.exchange("t" + trial, Duration.ofSeconds(5))) ? 1 : 0;
            eip += ("t" + trial).equals(viaEip.exchange("t" + trial, Duration.ofSeconds(5))) ? 1 : 0;
            HaFailover.links(ns, true);
            // the old master is a backup again before the next trial
            HaFailover.awaitStatus(api, l3, master, "Backup", Duration.ofSeconds(60));
            Thread.sleep(500);
        }
        return new Trials(advert, gaps, snat, eip);
    }

    /** iperf3 guest -> public through the HA master's SNAT and through a plain router's, in palindromic rounds. */
    private void forwardingCost(ApiClient api, SeedWorld world, HostAgent hypervisor, String haL3, String haGuestNs)
            throws Exception {
        String plainL3 = world.guestL3(null, "bench-plain", "10.221.0.0/24", List.of("DHCP", "DNS", "SNAT"));
        JsonNode plainGuest = world.userVm("bench-plain-guest", plainL3);
        GuestProbe.await(Duration.ofSeconds(60), world.probe(plainGuest.get("uuid").asText())::address);
        String plainNs = hypervisor.namespaceOf(plainGuest.get("uuid").asText());
        HaFailover.awaitMaster(api, haL3, Duration.ofSeconds(60), true);
        List<NetnsBenchMain.Route> routes = List.of(
                new NetnsBenchMain.Route("guest -> public through a plain router", world.outside.namespace(), SeedWorld.OUTSIDE_IP,
                        plainNs, SeedWorld.OUTSIDE_IP),
                new NetnsBenchMain.Route("guest -> public through an HA master", world.outside.namespace(), SeedWorld.OUTSIDE_IP,
                        haGuestNs, SeedWorld.OUTSIDE_IP));
        for (NetnsBenchMain.Route r : routes) {
            NetnsBenchMain.iperf(r, 1);
        }
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            double plain = NetnsBenchMain.iperf(routes.get(0), seconds);
            double ha = NetnsBenchMain.iperf(routes.get(1), seconds) + NetnsBenchMain.iperf(routes.get(1), seconds);
            plain += NetnsBenchMain.iperf(routes.get(0), seconds);
            routes.get(0).runs.add(plain / 2);
            routes.get(1).runs.add(ha / 2);
            ratios.add(ha / plain);
        }
        for (NetnsBenchMain.Route r : routes) {
            System.out.printf("iperf3 TCP %-44s median %.2f Gbit/s over %d rounds%n", r.name + ":", NetnsBenchMain.medianOf(r.runs) / 1e9, rounds);
        }
        System.out.printf("HA master / plain router, per round %s, median %.2f%n",
                ratios.stream().map(x -> String.format("%.2f", x)).toList(), NetnsBenchMain.medianOf(ratios));
    }
}
