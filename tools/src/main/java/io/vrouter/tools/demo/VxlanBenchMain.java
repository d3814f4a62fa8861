package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.platform.files.FileTrees;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.hostagent.HostCheck;
import io.vrouter.hostagent.VxlanLab;
import io.vrouter.hostagent.VxlanPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The VXLAN benchmark, as root ({@code ./vrouter bench vxlan [--iperf-seconds S] [--rounds R]}): iperf3 TCP
 * throughput from a guest on host 1 to a guest on host 2 over a VXLAN L2 (the backend's vxlan devices and FDB, guests
 * at the MTU DHCP gives them there, 1450), and over a plain bridged L2 between the same two hosts (bridges joined by
 * the underlay, no encapsulation, 1500) in the same run ({@link VxlanLab}). Each of the R rounds runs the two in a
 * palindrome (plain, VXLAN, VXLAN, plain) so both see the same average load on a shared machine; the result is the
 * median of the rounds' ratios VXLAN / plain, after one uncounted warm-up run of each.
 */
@Command(name = "vrouter bench vxlan", mixinStandardHelpOptions = true, sortOptions = false,
        description = "As root: guest-to-guest throughput across hosts over VXLAN, as a ratio to a plain bridged L2.")
public final class VxlanBenchMain implements Callable<Integer> {
    private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(120));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--iperf-seconds", paramLabel = "S", description = "seconds per iperf3 run (default: ${DEFAULT-VALUE})")
    private int seconds = 5;

    @Option(names = "--rounds", paramLabel = "R", description = "palindromic rounds (default: ${DEFAULT-VALUE})")
    private int rounds = 5;

    public static void main(String[] args) {
        System.exit(new CommandLine(new VxlanBenchMain()).execute(args));
    }

    /** A path between two guests: the iperf3 server's namespace and address, the client's namespace. */
    private record Path2(String name, String serverNs, String serverIp, String clientNs, List<Double> runs) {
    }

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || rounds < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--iperf-seconds and --rounds must be at least 1");
        }
        String reason = VxlanLab.unavailableReason();
        if (reason != null || !HostCheck.onPath("iperf3")) {
            System.err.println("vxlan benchmark: cannot run here: " + (reason != null ? reason : "missing iperf3"));
            return 1;
        }
        Path dir = Files.createTempDirectory("vrouter-vxlan-bench-");
        try (VxlanLab lab = VxlanLab.open(dir)) {
            VxlanLab.Host h1 = lab.addHost();
            VxlanLab.Host h2 = lab.addHost();
            String vxlan = UUID.randomUUID().toString().replace("-", "");
            String plain = UUID.randomUUID().toString().replace("-", "");
            lab.syncVxlan(h1, vxlan, 5001);
            lab.syncVxlan(h2, vxlan, 5001);
            lab.joinPlain(h1, plain);
            lab.joinPlain(h2, plain);
            int vxlanMtu = 1500 - VxlanPlan.OVERHEAD;
            Path2 overVxlan = new Path2("guest host1 -> guest host2, VXLAN (MTU " + vxlanMtu + ")",
                    lab.addGuest(h2, vxlan, "10.201.0.2/24", vxlanMtu), "10.201.0.2", lab.addGuest(h1, vxlan, "10.201.0.1/24", vxlanMtu),
                    new ArrayList<>());
            Path2 overPlain = new Path2("guest host1 -> guest host2, plain bridged L2 (MTU 1500)",
                    lab.addGuest(h2, plain, "10.202.0.2/24", 1500), "10.202.0.2", lab.addGuest(h1, plain, "10.202.0.1/24", 1500),
                    new ArrayList<>());
            iperf(overPlain, 1);
            iperf(overVxlan, 1);
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                double plainA = iperf(overPlain, seconds);
                double vxA = iperf(overVxlan, seconds);
                double vxB = iperf(overVxlan, seconds);
                double plainB = iperf(overPlain, seconds);
                overPlain.runs().addAll(List.of(plainA, plainB));
                overVxlan.runs().addAll(List.of(vxA, vxB));
                ratios.add((vxA + vxB) / (plainA + plainB));
            }
            System.out.printf("kernel %s, %d cores, load average %s%n", System.getProperty("os.version"),
                    Runtime.getRuntime().availableProcessors(), NetnsBenchMain.loadAverage());
            for (Path2 p : List.of(overPlain, overVxlan)) {
                System.out.printf("iperf3 TCP %-58s %s Gbit/s, median %.2f%n", p.name() + ":", gbits(p.runs()), median(p.runs()) / 1e9);
            }
            System.out.printf("ratio VXLAN / plain per round %s, median %.3f (goal >= 0.8)%n",
                    ratios.stream().map(r -> String.format("%.3f", r)).toList(), median(ratios));
            return 0;
        } finally {
            FileTrees.delete(dir);
        }
    }

    /** Runs iperf3 over {@code p} for {@code seconds}; bits/s received. */
    private static double iperf(Path2 p, int seconds) throws IOException, InterruptedException {
        Process server = new ProcessBuilder("ip", "netns", "exec", p.serverNs(), "iperf3", "-s", "-1", "-B", p.serverIp(), "-p", "5299")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(300);
            CommandResult r = RUNNER.check(List.of("ip", "netns", "exec", p.clientNs(), "iperf3", "-c", p.serverIp(), "-p", "5299",
                    "-t", Integer.toString(seconds), "-J"), null);
            return JSON.readTree(r.stdout()).path("end").path("sum_received").path("bits_per_second").asDouble();
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String gbits(List<Double> values) {
        return values.stream().map(v -> String.format("%.2f", v / 1e9)).toList().toString();
    }
}
