package io.vrouter.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.agent.process.CommandResult;
import io.vrouter.agent.process.CommandRunner;
import io.vrouter.server.Clock;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.NodeOptions;
import io.vrouter.server.hypervisor.netns.NetnsHostConnector;
import io.vrouter.server.hypervisor.netns.NetnsHypervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The netns benchmark, as root: {@code java -cp vrouter-server.jar io.vrouter.server.demo.NetnsBenchMain
 * [--fresh N] [--existing M] [--iperf-seconds S]} (agent jar from {@code VROUTER_AGENT_JAR}).
 * <ul>
 *   <li>time from CreateVmInstance to the guest holding its DHCP lease, on N fresh guest L3s (router creation
 *   included) and for M more guests on an L3 whose router exists;</li>
 *   <li>iperf3 TCP throughput guest -> public side through the router's SNAT, and over a direct veth pair between
 *   two namespaces in the same run; the ratio of the two.</li>
 * </ul>
 * Everything runs in namespaces of a throwaway installation, removed at the end.
 */
public final class NetnsBenchMain {
    private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(120));
    private static final ObjectMapper JSON = new ObjectMapper();

    private NetnsBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int fresh = 3;
        int existing = 5;
        int seconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fresh" -> fresh = Integer.parseInt(args[++i]);
                case "--existing" -> existing = Integer.parseInt(args[++i]);
                case "--iperf-seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> {
                    if (!args[i].startsWith("netns")) { // the launcher passes the benchmark's name first
                        System.err.println("unknown option " + args[i]);
                        System.exit(2);
                    }
                }
            }
        }
        String problems = new NetnsHostConnector().problems();
        if (problems != null || !NetnsHostConnector.onPath("iperf3")) {
            System.err.println("netns benchmark: cannot run here: " + (problems != null ? problems : "missing iperf3"));
            System.exit(1);
        }
        Path dataDir = Files.createTempDirectory("vrouter-netns-bench-");
        ManagementNode node = new ManagementNode(new NodeOptions("127.0.0.1", 0, dataDir, null, null, null, "bench-password"), Clock.SYSTEM);
        NetnsHypervisor hypervisor = node.netns().hypervisor();
        SeedWorld world = null;
        List<Runnable> undo = new ArrayList<>();
        try {
            DemoApi api = new DemoApi(node.start()).logIn("bench-password");
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
            String vipIp = null;
            if (node.catalogue().find("CreateEip").isPresent()) {
                world.attach(world.guestL3, List.of("Eip"));
                JsonNode vip = world.api.create("CreateVip", "name", "bench-vip", "l3NetworkUuid", world.publicL3);
                world.api.create("CreateEip", "name", "bench-eip", "vipUuid", vip.get("uuid").asText(),
                        "vmNicUuid", vm.get("vmNics").get(0).get("uuid").asText());
                vipIp = vip.get("ip").asText();
            }
            String a = hypervisor.names().extra("ba");
            String b = hypervisor.names().extra("bb");
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
            }
            // interleaved rounds, so a neighbour's load on a shared machine hits every path alike
            List<Double> direct = new ArrayList<>();
            List<Double> snat = new ArrayList<>();
            List<Double> eip = new ArrayList<>();
            String guestIp = SeedWorld.ipOn(vm, world.guestL3);
            for (int round = 0; round < 3; round++) {
                direct.add(iperf(b, "198.18.0.2", a, seconds));
                snat.add(iperf(world.outside.namespace(), SeedWorld.OUTSIDE_IP, guestNs, seconds));
                if (vipIp != null) {
                    eip.add(iperf(guestNs, guestIp, world.outside.namespace(), seconds, vipIp));
                }
            }
            double d = medianOf(direct);
            System.out.printf("iperf3 TCP over a direct veth pair:        %s Gbit/s, median %.2f%n", gbits(direct), d / 1e9);
            System.out.printf("iperf3 TCP guest -> public through SNAT:   %s Gbit/s, median %.2f, ratio %.2f%n", gbits(snat),
                    medianOf(snat) / 1e9, medianOf(snat) / d);
            if (vipIp != null) {
                System.out.printf("iperf3 TCP public -> guest through an EIP: %s Gbit/s, median %.2f, ratio %.2f%n", gbits(eip),
                        medianOf(eip) / 1e9, medianOf(eip) / d);
            } else {
                System.out.println("EIP: not part of this build");
            }
        } finally {
            undo.forEach(Runnable::run);
            if (world != null) {
                world.close();
            }
            node.close();
            hypervisor.cleanAll();
            DemoMain.deleteTree(dataDir);
        }
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

    /** Runs an iperf3 server in {@code serverNs} on {@code serverIp} and a client in {@code clientNs}; bits/s received. */
    private static double iperf(String serverNs, String serverIp, String clientNs, int seconds) throws IOException, InterruptedException {
        return iperf(serverNs, serverIp, clientNs, seconds, serverIp);
    }

    /** As above, the client connecting to {@code target} (a VIP that leads to the server). */
    private static double iperf(String serverNs, String serverIp, String clientNs, int seconds, String target)
            throws IOException, InterruptedException {
        Process server = new ProcessBuilder("ip", "netns", "exec", serverNs, "iperf3", "-s", "-1", "-B", serverIp, "-p", "5299")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(500);
            CommandResult r = RUNNER.check(List.of("ip", "netns", "exec", clientNs, "iperf3", "-c", target, "-p", "5299",
                    "-t", Integer.toString(seconds), "-J"), null);
            return JSON.readTree(r.stdout()).path("end").path("sum_received").path("bits_per_second").asDouble();
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static void check(String... argv) {
        RUNNER.check(List.of(argv), null);
    }

    private static double medianOf(List<Double> values) {
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
