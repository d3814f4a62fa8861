package io.vrouter.tools.demo;

import io.vrouter.platform.files.FileTrees;
import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.server.Clock;
import io.vrouter.agent.http.InProcessAgentHost;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.NodeOptions;
import io.vrouter.hostagent.HostCheck;
import io.vrouter.hostagent.HostAgent;
import io.vrouter.hostagent.InProcessHostAgent;
import io.vrouter.hostagent.NetnsNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The netns benchmark, as root: {@code java -cp vrouter-tools.jar io.vrouter.tools.demo.NetnsBenchMain
 * [--fresh N] [--existing M] [--iperf-seconds S] [--rounds R] [--baselines]} (agent jar from {@code VROUTER_AGENT_JAR}).
 * <ul>
 *   <li>time from CreateVmInstance to the guest holding its DHCP lease, on N fresh guest L3s (router creation
 *   included) and for M more guests on an L3 whose router exists;</li>
 *   <li>iperf3 TCP throughput guest -> public side through the router's SNAT, public side -> guest through an EIP,
 *   and over a direct veth pair between two namespaces in the same run, given the link settings the backend gives its
 *   own links (BIG TCP where the kernel has it, {@link HostAgent#bigTcpBytes()}); each as a ratio to that pair
 *   and, when the backend's links differ from the kernel's, to a pair as the kernel makes it;</li>
 *   <li>with {@code --baselines}, two references that say where the gap comes from: plain kernel NAT between
 *   namespaces over direct veths, and the same through two L2 networks of the backend (bridges of its fabric
 *   namespace, plugged as it plugs VMs).</li>
 * </ul>
 * Throughput on a shared machine drifts by tens of percent within a minute, so each of the R rounds runs the paths
 * in a palindrome (direct, SNAT, EIP, EIP, SNAT, direct, S seconds each): a path and the reference see the same
 * average load, and the round's ratio is taken within the round. The result is the median of the rounds' ratios;
 * one warm-up run per path comes first and is not counted. Everything runs in namespaces of a throwaway
 * installation, removed at the end.
 */
@Command(name = "vrouter bench netns", mixinStandardHelpOptions = true, sortOptions = false,
        description = "As root: DHCP lease times and forwarding throughput of the netns backend.")
public final class NetnsBenchMain implements Callable<Integer> {
    private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(120));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--fresh", paramLabel = "N", description = "guest L3s whose router is created with the guest (default: ${DEFAULT-VALUE})")
    private int fresh = 3;

    @Option(names = "--existing", paramLabel = "M", description = "guests on an L3 whose router exists (default: ${DEFAULT-VALUE})")
    private int existing = 5;

    @Option(names = "--iperf-seconds", paramLabel = "S", description = "seconds per iperf3 run (default: ${DEFAULT-VALUE})")
    private int seconds = 5;

    @Option(names = "--rounds", paramLabel = "R", description = "palindromic rounds of the forwarding paths (default: ${DEFAULT-VALUE})")
    private int rounds = 5;

    @Option(names = "--baselines", description = "also plain kernel NAT, direct and through the backend's bridges")
    private boolean baselines;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NetnsBenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String problems = new HostCheck().problems();
        if (problems != null || !HostCheck.onPath("iperf3")) {
            System.err.println("netns benchmark: cannot run here: " + (problems != null ? problems : "missing iperf3"));
            return 1;
        }
        Path dataDir = Files.createTempDirectory("vrouter-netns-bench-");
        InProcessHostAgent hostAgents = new InProcessHostAgent();
        ManagementNode node = new ManagementNode(new NodeOptions("127.0.0.1", 0, dataDir, null, null, null, "bench-password"), Clock.SYSTEM,
                new InProcessAgentHost(), hostAgents);
        HostAgent hypervisor = hostAgents.startedAgent(dataDir);
        SeedWorld world = null;
        List<Runnable> undo = new ArrayList<>();
        try {
            ApiClient api = ApiClient.forUrl(node.start()).logIn("bench-password");
            world = new SeedWorld(api, hypervisor, dataDir.resolve("outside"), step -> { });

            List<Long> freshMs = new ArrayList<>();
            for (int i = 0; i < fresh; i++) {
                String l3 = world.guestL3(null, "bench-fresh-" + i, "10." + (210 + i) + ".0.0/24", List.of("DHCP", "DNS", "SNAT"));
                freshMs.add(timeToLease(world, l3, "fresh-" + i));
            }
            JsonNode warmup = world.userVm("warmup", world.guestL3); // the guest L3's router exists from here on
            GuestProbe.await(Duration.ofSeconds(60), world.probe(warmup.get("uuid").asText())::address);
            List<Long> existingMs = new ArrayList<>();
            for (int i = 0; i < existing; i++) {
                existingMs.add(timeToLease(world, world.guestL3, "existing-" + i));
            }
            System.out.println("lease after CreateVmInstance, fresh L3 (router created): " + freshMs + " ms, median " + median(freshMs));
            System.out.println("lease after CreateVmInstance, L3 with a router:        " + existingMs + " ms, median " + median(existingMs));

            JsonNode vm = world.userVm("iperf-guest", world.guestL3);
            String guestNs = hypervisor.namespaceOf(vm.get("uuid").asText());
            GuestProbe.await(Duration.ofSeconds(60), world.probe(vm.get("uuid").asText())::address);
            world.attach(world.guestL3, List.of("Eip"));
            JsonNode vip = world.api.inventory("CreateVip", "name", "bench-vip", "l3NetworkUuid", world.publicL3);
            world.api.inventory("CreateEip", "name", "bench-eip", "vipUuid", vip.get("uuid").asText(),
                    "vmNicUuid", vm.get("vmNics").get(0).get("uuid").asText());
            String vipIp = vip.get("ip").asText();
            String guestIp = SeedWorld.ipOn(vm, world.guestL3);
            List<Route> routes = new ArrayList<>();
            // the reference: a direct pair with the link settings the backend gives its own links (like for like)
            routes.add(directPair(hypervisor, "b", true, undo));
            int bigTcp = hypervisor.bigTcpBytes();
            System.out.println("the backend's links: " + (bigTcp > 0 ? "BIG TCP, IPv4 GSO/GRO packets up to " + bigTcp + " bytes"
                    : "the kernel's 64 KiB packets"));
            routes.add(new Route("guest -> public through SNAT", world.outside.namespace(), SeedWorld.OUTSIDE_IP, guestNs, SeedWorld.OUTSIDE_IP));
            routes.add(new Route("public -> guest through an EIP", guestNs, guestIp, world.outside.namespace(), vipIp));
            if (bigTcp > 0) {
                // what the issue's reference is: a veth pair as the kernel makes it
                routes.add(directPair(hypervisor, "k", false, undo));
            }
            if (baselines) {
                routes.add(plainNat(hypervisor, "n", NatLinks.DIRECT_VETHS, undo));
                routes.add(plainNat(hypervisor, "f", NatLinks.BACKEND_L2S, undo));
            }
            System.out.printf("forwarding: %d rounds of %s, %d s each, after one warm-up run per path; load average %s%n",
                    rounds, routes.stream().map(p -> p.name).toList(), seconds, loadAverage());
            for (Route p : routes) {
                iperf(p, 1);
            }
            for (int round = 0; round < rounds; round++) {
                // a palindrome: every path sees, on average, the same moment of the round as the reference
                for (Route p : routes) {
                    p.runs.add(iperf(p, seconds));
                }
                for (int i = routes.size() - 1; i >= 0; i--) {
                    routes.get(i).runs.add(iperf(routes.get(i), seconds));
                }
            }
            for (Route p : routes) {
                System.out.printf("iperf3 TCP %-52s %s Gbit/s, median %.2f%n", p.name + ":", gbits(p.runs), medianOf(p.runs) / 1e9);
            }
            for (Route reference : routes.stream().filter(r -> r.name.startsWith("direct")).toList()) {
                System.out.println("ratios to the " + reference.name + ":");
                for (Route p : routes) {
                    if (p == reference) {
                        continue;
                    }
                    List<Double> ratios = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        ratios.add(p.roundSum(round) / reference.roundSum(round));
                    }
                    System.out.printf("  %-52s %s, median %.2f (ratio of the medians %.2f)%n", p.name + ":",
                            ratios.stream().map(r -> String.format("%.2f", r)).toList(), medianOf(ratios),
                            medianOf(p.runs) / medianOf(reference.runs));
                }
            }
            System.out.println("load average at the end: " + loadAverage());
        } finally {
            undo.forEach(Runnable::run);
            if (world != null) {
                world.close();
            }
            node.close();
            hypervisor.cleanAll();
            FileTrees.delete(dataDir);
        }
        return 0;
    }

    private static long timeToLease(SeedWorld world, String l3, String name) {
        long t0 = System.nanoTime();
        JsonNode vm = world.userVm(name, l3);
        String expected = SeedWorld.ipOn(vm, l3);
        GuestProbe guest = world.probe(vm.get("uuid").asText());
        while (!expected.equals(guest.address())) {
            if (System.nanoTime() - t0 > Duration.ofSeconds(120).toNanos()) {
                throw new IllegalStateException("guest " + name + " got no lease within 120 s");
            }
            Outside.sleep(20);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** One forwarding route: an iperf3 server in {@code serverNs} on {@code serverIp}, a client in {@code clientNs} to {@code target}. */
    static final class Route {
        final String name;
        final String serverNs;
        final String serverIp;
        final String clientNs;
        final String target;
        final List<Double> runs = new ArrayList<>();

        Route(String name, String serverNs, String serverIp, String clientNs, String target) {
            this.name = name;
            this.serverNs = serverNs;
            this.serverIp = serverIp;
            this.clientNs = clientNs;
            this.target = target;
        }

        /** The two runs of a round (it runs each path twice). */
        double roundSum(int round) {
            return runs.get(2 * round) + runs.get(2 * round + 1);
        }
    }

    /**
     * A veth pair between two namespaces of their own, with the link settings the backend gives its links
     * ({@code backendSettings}) or as the kernel makes it.
     */
    private static Route directPair(HostAgent hypervisor, String tag, boolean backendSettings, List<Runnable> undo) {
        String a = hypervisor.names().extra(tag + "a");
        String b = hypervisor.names().extra(tag + "b");
        undo.add(() -> RUNNER.run(List.of("ip", "netns", "del", a), null));
        undo.add(() -> RUNNER.run(List.of("ip", "netns", "del", b), null));
        check("ip", "netns", "add", a);
        check("ip", "netns", "add", b);
        check("ip", "link", "add", "eth0", "netns", a, "type", "veth", "peer", "name", "eth0", "netns", b);
        check("ip", "-n", a, "addr", "add", "198.18.0.1/30", "dev", "eth0");
        check("ip", "-n", b, "addr", "add", "198.18.0.2/30", "dev", "eth0");
        for (String ns : List.of(a, b)) {
            check("ip", "-n", ns, "link", "set", "eth0", "up");
            check("ip", "-n", ns, "link", "set", "lo", "up");
            if (backendSettings) {
                hypervisor.applyLinkSettings(ns, List.of("eth0"));
            }
        }
        return new Route(backendSettings ? "direct veth pair" : "direct veth pair, kernel's 64 KiB packets", b, "198.18.0.2", a, "198.18.0.2");
    }

    /** How the plain-NAT reference links its three namespaces. */
    private enum NatLinks {
        DIRECT_VETHS("plain kernel NAT, direct veths"),
        /** Each link through an L2 network of the backend: a bridge of its fabric namespace, a veth per nic. */
        BACKEND_L2S("plain kernel NAT, through 2 backend L2s");

        final String label;

        NatLinks(String label) {
            this.label = label;
        }
    }

    /**
     * A reference of the same run that locates the gap between the direct pair and the router: a namespace doing
     * plain kernel NAT (ip_forward and one nftables masquerade rule, no other rule) between a client and a server
     * namespace, linked as {@code links} says.
     */
    private static Route plainNat(HostAgent hypervisor, String tag, NatLinks links, List<Runnable> undo) throws IOException {
        NetnsNames names = hypervisor.names();
        String client = names.extra(tag + "c");
        String nat = names.extra(tag + "r");
        String server = names.extra(tag + "s");
        for (String ns : List.of(client, nat, server)) {
            undo.add(() -> RUNNER.run(List.of("ip", "netns", "del", ns), null));
            check("ip", "netns", "add", ns);
            check("ip", "-n", ns, "link", "set", "lo", "up");
        }
        if (links == NatLinks.BACKEND_L2S) {
            // two made-up L2 uuids: bridges of the fabric that no L2 of the database owns, gone with cleanAll
            String inner = "ba5e" + tag + "1".repeat(27);
            String outer = "ba5e" + tag + "2".repeat(27);
            for (String[] p : new String[][] {{"c0", client, "eth0", inner}, {"r0", nat, "eth0", inner},
                    {"r1", nat, "eth1", outer}, {"s0", server, "eth0", outer}}) {
                String port = names.extra(tag + p[0]);
                undo.add(0, () -> hypervisor.unplugPort(port));
                hypervisor.plugIntoL2(p[3], port, p[1], p[2]);
            }
        } else {
            check("ip", "link", "add", "eth0", "netns", client, "type", "veth", "peer", "name", "eth0", "netns", nat);
            check("ip", "link", "add", "eth1", "netns", nat, "type", "veth", "peer", "name", "eth0", "netns", server);
            hypervisor.applyLinkSettings(client, List.of("eth0"));
            hypervisor.applyLinkSettings(nat, List.of("eth0", "eth1"));
            hypervisor.applyLinkSettings(server, List.of("eth0"));
        }
        check("ip", "-n", client, "addr", "add", "198.18.1.2/24", "dev", "eth0");
        check("ip", "-n", nat, "addr", "add", "198.18.1.1/24", "dev", "eth0");
        check("ip", "-n", nat, "addr", "add", "198.18.2.1/24", "dev", "eth1");
        check("ip", "-n", server, "addr", "add", "198.18.2.2/24", "dev", "eth0");
        check("ip", "-n", client, "link", "set", "eth0", "up");
        check("ip", "-n", nat, "link", "set", "eth0", "up");
        check("ip", "-n", nat, "link", "set", "eth1", "up");
        check("ip", "-n", server, "link", "set", "eth0", "up");
        check("ip", "-n", client, "route", "add", "default", "via", "198.18.1.1");
        check("ip", "netns", "exec", nat, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        RUNNER.check(List.of("ip", "netns", "exec", nat, "nft", "-f", "-"), "table ip bench {\n  chain post {\n"
                + "    type nat hook postrouting priority srcnat; policy accept;\n    oifname \"eth1\" masquerade\n  }\n}\n");
        return new Route(links.label, server, "198.18.2.2", client, "198.18.2.2");
    }

    /** Runs iperf3 over {@code route} for {@code seconds}; bits/s received. */
    static double iperf(Route route, int seconds) throws IOException, InterruptedException {
        Process server = new ProcessBuilder("ip", "netns", "exec", route.serverNs, "iperf3", "-s", "-1", "-B", route.serverIp, "-p", "5299")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(300);
            CommandResult r = RUNNER.check(List.of("ip", "netns", "exec", route.clientNs, "iperf3", "-c", route.target, "-p", "5299",
                    "-t", Integer.toString(seconds), "-J"), null);
            return JSON.readTree(r.stdout()).path("end").path("sum_received").path("bits_per_second").asDouble();
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** The 1-, 5- and 15-minute load averages, from /proc/loadavg. */
    static String loadAverage() {
        try {
            String[] words = Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return words[0] + " " + words[1] + " " + words[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void check(String... argv) {
        RUNNER.check(List.of(argv), null);
    }

    static double medianOf(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String gbits(List<Double> values) {
        return values.stream().map(v -> String.format("%.2f", v / 1e9)).toList().toString();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }
}
