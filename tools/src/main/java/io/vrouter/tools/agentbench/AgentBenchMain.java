package io.vrouter.tools.agentbench;

import io.vrouter.agent.lab.AgentProcess;
import io.vrouter.agent.lab.RouterLab;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code ./vrouter bench agent-scale [--pf 10000] [--eip 1000] [--dhcp 5000] [--rounds 30] [--naive-budget-s 180] [--tls [--sync-rounds 8]]}:
 * the real agent (its jar, {@code VROUTER_AGENT_JAR}) in a namespace with dummy nics, driven over HTTP. Measures, in one run:
 * incremental add/remove of one rule, EIP and DHCP host with 10 of each present, the full sync of the big state,
 * the same again with the big state present, the agent's RSS, and the naive approach (one {@code nft add rule}
 * process per rule) as the reference. Prints a Markdown report. With {@code --tls}: the cost of mutual TLS instead,
 * one change and the full sync, an agent over plain HTTP and one over TLS side by side, in interleaved pairs.
 */
public final class AgentBenchMain {

    private final int pfCount;
    private final int eipCount;
    private final int dhcpCount;
    private final int rounds;
    private final int naiveBudgetSeconds;
    private final StringBuilder report = new StringBuilder();
    private String cpuNote = "";
    private RouterLab router;

    private AgentBenchMain(int pf, int eip, int dhcp, int rounds, int naiveBudgetSeconds) {
        this.pfCount = pf;
        this.eipCount = eip;
        this.dhcpCount = dhcp;
        this.rounds = rounds;
        this.naiveBudgetSeconds = naiveBudgetSeconds;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Command()).execute(args));
    }

    /** The command line: {@code agent-scale} and its sizes. */
    @CommandLine.Command(name = "vrouter bench", mixinStandardHelpOptions = true, sortOptions = false,
            description = "As root: the real agent in a namespace, driven over HTTP (docs/benchmarks.md).")
    static final class Command implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "NAME", description = "the benchmark: agent-scale")
        private String name;

        @CommandLine.Option(names = "--pf", description = "port-forwarding rules (default: ${DEFAULT-VALUE})")
        private int pf = 10_000;

        @CommandLine.Option(names = "--eip", description = "EIPs (default: ${DEFAULT-VALUE})")
        private int eip = 1_000;

        @CommandLine.Option(names = "--dhcp", description = "DHCP hosts (default: ${DEFAULT-VALUE})")
        private int dhcp = 5_000;

        @CommandLine.Option(names = "--rounds", description = "incremental changes measured (default: ${DEFAULT-VALUE})")
        private int rounds = 30;

        @CommandLine.Option(names = "--naive-budget-s", description = "seconds for the one-process-per-rule reference (default: ${DEFAULT-VALUE})")
        private int naiveBudgetSeconds = 180;

        @CommandLine.Option(names = "--tls", description = "measure the cost of mutual TLS instead: plain and TLS agents side by side")
        private boolean tls;

        @CommandLine.Option(names = "--sync-rounds", description = "with --tls: full syncs per agent (default: ${DEFAULT-VALUE})")
        private int syncRounds = 8;

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!name.equals("agent-scale")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown agent benchmark '" + name + "'; available: agent-scale");
            }
            String reason = io.vrouter.agent.lab.Lab.unavailableReason("ip", "nft", "dnsmasq", "conntrack");
            if (reason != null) {
                System.err.println("agent-scale: " + reason);
                return 2;
            }
            AgentBenchMain bench = new AgentBenchMain(pf, eip, dhcp, rounds, naiveBudgetSeconds);
            if (tls) {
                bench.tlsCost(syncRounds);
            } else {
                bench.run();
            }
            return 0;
        }
    }

    private void run() throws IOException {
        Path work = Files.createTempDirectory("vrouter-agent-bench");
        line("# agent-scale, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version"));
        line("");
        try (RouterLab router = RouterLab.create(work, false)) {
            this.router = router;
            // the agent runs from its own jar when the launcher names it, as in a router; else from this classpath
            String agentJar = System.getenv("VROUTER_AGENT_JAR");
            AgentProcess agent = router.startAgent(agentJar != null && !agentJar.isEmpty() ? agentJar
                    : System.getProperty("java.class.path"), "info");
            AgentClient client = router.client(Duration.ofSeconds(120));
            client.configureNics(Workload.nics());
            // VIP addresses are set up front: ZStack creates them before the EIPs and rules that use them
            client.createVips(Workload.list(0, eipCount + 2, Workload::eipVip));
            client.createVips(Workload.list(0, pfCount / 100 + 1, i -> new io.vrouter.agent.protocol.VipTO(
                    io.vrouter.platform.net.Ipv4.ofBits(Workload.PF_VIP_BASE + i).toString(), "255.255.0.0", "203.0.0.1",
                    RouterLab.PUBLIC_MAC, "p" + i)));

            line("Machine load when starting: " + loadAverage() + ". One `nft list tables` process in the router"
                    + " namespace costs **" + fmt(processCost(router, "nft list tables >/dev/null")) + " ms**, one"
                    + " `conntrack -L` **" + fmt(processCost(router, "conntrack -L >/dev/null 2>&1")) + " ms** here"
                    + " (the floor of every incremental command that changes the kernel).");
            line("");
            line("| measurement | state present | median ms | p95 ms | max ms |");
            line("|---|---|---|---|---|");
            // small state: 10 of each
            client.addDhcp(Workload.list(0, 10, Workload::dhcp), true);
            client.syncEips(Workload.list(0, 10, Workload::eip));
            client.syncPortForwarding(Workload.list(0, 10, Workload::pf));
            incremental(client, "10");

            // the big state, from nothing (DHCP first, as a reconnect does), several times: the first big sync in
            // a fresh agent JVM also pays for JIT compilation of the big-payload paths; a long-running agent doesn't
            var dhcp = Workload.list(0, dhcpCount, Workload::dhcp);
            var pfs = Workload.list(0, pfCount, Workload::pf);
            var eips = Workload.list(0, eipCount, Workload::eip);
            int repeats = 5;
            double[][] calls = new double[3][repeats];
            double[] totals = new double[repeats];
            long cpuFirst = 0;
            for (int r = 0; r < repeats; r++) {
                client.syncPortForwarding(List.of());
                client.syncEips(List.of());
                client.addDhcp(List.of(), true);
                long cpu0 = agent.cpuMillis();
                long t0 = System.nanoTime();
                client.addDhcp(dhcp, true);
                long t1 = System.nanoTime();
                client.syncPortForwarding(pfs);
                long t2 = System.nanoTime();
                client.syncEips(eips);
                long t3 = System.nanoTime();
                calls[0][r] = ms(t1 - t0);
                calls[1][r] = ms(t2 - t1);
                calls[2][r] = ms(t3 - t2);
                totals[r] = ms(t3 - t0);
                if (r == 0) {
                    cpuFirst = agent.cpuMillis() - cpu0;
                }
            }
            String[] names = {"adddhcp rebuild " + dhcpCount + " hosts", "syncportforwarding " + pfCount + " rules",
                    "synceip " + eipCount + " EIPs"};
            String[] before = {"empty", dhcpCount + " hosts", "all but EIPs"};
            for (int c = 0; c < 3; c++) {
                row("full sync: " + names[c] + ", first in this agent", before[c], calls[c][0]);
            }
            row("**full sync, all three calls, first in this agent**", "empty", totals[0]);
            for (int c = 0; c < 3; c++) {
                stats("full sync: " + names[c] + ", next " + (repeats - 1) + " times", before[c],
                        java.util.Arrays.copyOfRange(calls[c], 1, repeats));
            }
            stats("**full sync, all three calls, next " + (repeats - 1) + " times**", "empty",
                    java.util.Arrays.copyOfRange(totals, 1, repeats));
            cpuNote = "CPU used by the agent and its ip/dnsmasq children for the first three full-sync calls: **"
                    + cpuFirst + " ms** (wall " + fmt(totals[0]) + " ms)";
            // what a reconnect does first: /init rewrites the whole table from the agent's state, one transaction
            long ti = System.nanoTime();
            client.init(new io.vrouter.agent.protocol.InitCmd("bench-vr", null, "info", List.of(), java.util.Map.of()));
            row("/init: whole table rewritten from the agent's state (reconnect)", "all", ms(System.nanoTime() - ti));
            long t4 = System.nanoTime();
            client.addDhcp(dhcp, true);
            client.syncPortForwarding(pfs);
            client.syncEips(eips);
            row("full sync again, same state (no kernel change)", "all", ms(System.nanoTime() - t4));
            var lastPf = new ArrayList<>(pfs);
            lastPf.set(0, Workload.pf(pfCount + 7));
            long t5 = System.nanoTime();
            client.syncPortForwarding(lastPf);
            row("full sync of " + pfCount + " rules with 1 changed", "all", ms(System.nanoTime() - t5));
            client.syncPortForwarding(pfs);

            long cpu2 = agent.cpuMillis();
            incremental(client, pfCount + " PF / " + eipCount + " EIP / " + dhcpCount + " DHCP");
            long cpu3 = agent.cpuMillis();
            line("");
            line(cpuNote);
            line("");
            line("CPU per incremental command with the big state (agent + its nft/conntrack children, averaged over "
                    + (6 * rounds + 10) + " commands): **" + fmt((double) (cpu3 - cpu2) / (6 * rounds + 10))
                    + " ms**");
            line("Agent RSS with that state: **" + agent.rssKib() / 1024 + " MiB** (JVM " + String.join(" ", AgentProcess.jvmOptions()) + ")");
            line("");
            line("Where the full syncs spent their time (from the agent's log):");
            line("");
            for (String logLine : Files.readAllLines(agent.log())) {
                if (logLine.contains("rewrite in") || logLine.contains("as its delta") || logLine.contains(" took ")) {
                    line("    " + logLine);
                }
            }
            line("");
            line("Machine load at the end: " + loadAverage());
            line("");
            naive(router);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.print(report);
    }

    /**
     * The cost of mutual TLS: two routers side by side (two labs), one agent over plain HTTP and one over TLS (a
     * certificate of the lab's authority, the client presenting the node's), the same state in both, measured in
     * interleaved pairs (the order swapped every round) so that the load of a shared machine hits both alike. Measures
     * the full sync of the big state from empty (the three calls, {@code syncRounds} pairs after one warm-up pair) and
     * one change (add, then remove, one forwarding rule: {@code rounds} pairs after a warm-up) with the big state
     * present. Each transport's figure is its median; the ratio is the median of the per-pair ratios. One client per
     * agent, its connection kept alive, as the management node's.
     */
    private void tlsCost(int syncRounds) throws IOException {
        Path work = Files.createTempDirectory("vrouter-agent-bench");
        line("# agent-scale --tls, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", load " + loadAverage());
        line("");
        var dhcp = Workload.list(0, dhcpCount, Workload::dhcp);
        var pfs = Workload.list(0, pfCount, Workload::pf);
        var eips = Workload.list(0, eipCount, Workload::eip);
        PortForwardingRuleTO rule = Workload.pf(pfCount + 1);
        try (RouterLab plainLab = RouterLab.create(Files.createDirectories(work.resolve("plain")), false);
             RouterLab tlsLab = RouterLab.create(Files.createDirectories(work.resolve("tls")), false)) {
            plainLab.startAgent(System.getProperty("java.class.path"), "info", false);
            tlsLab.startAgent(System.getProperty("java.class.path"), "info", true);
            AgentClient[] clients = {plainLab.client(Duration.ofSeconds(120)), tlsLab.client(Duration.ofSeconds(120))};
            line("Agent JVM: `" + String.join(" ", AgentProcess.jvmOptions()) + "`; cipher suite the TLS agent chose: "
                    + negotiatedCipherSuite(tlsLab));
            line("");
            for (AgentClient client : clients) {
                client.configureNics(Workload.nics());
                client.createVips(Workload.list(0, eipCount + 2, Workload::eipVip));
                client.createVips(Workload.list(0, pfCount / 100 + 1, i -> new io.vrouter.agent.protocol.VipTO(
                        io.vrouter.platform.net.Ipv4.ofBits(Workload.PF_VIP_BASE + i).toString(), "255.255.0.0", "203.0.0.1",
                        RouterLab.PUBLIC_MAC, "p" + i)));
            }
            double[][] sync = new double[2][syncRounds];
            // CPU time of each side during a sync: what TLS costs whatever the machine's load (wall time waits for cores)
            double[][] agentCpu = new double[2][syncRounds];
            double[][] nodeCpu = new double[2][syncRounds];
            RouterLab[] labs = {plainLab, tlsLab};
            var self = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            for (int r = -1; r < syncRounds; r++) {
                for (int k = 0; k < 2; k++) {
                    int t = (r + k + 2) % 2; // plain first on even rounds, TLS first on odd ones
                    AgentClient client = clients[t];
                    client.syncPortForwarding(List.of());
                    client.syncEips(List.of());
                    client.addDhcp(List.of(), true);
                    long a0 = labs[t].agent().cpuNanos();
                    long n0 = self.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    client.addDhcp(dhcp, true);
                    client.syncPortForwarding(pfs);
                    client.syncEips(eips);
                    if (r >= 0) {
                        sync[t][r] = ms(System.nanoTime() - t0);
                        nodeCpu[t][r] = ms(self.getProcessCpuTime() - n0);
                        agentCpu[t][r] = ms(labs[t].agent().cpuNanos() - a0);
                    }
                }
            }
            double[][] change = new double[2][rounds];
            double[][] ping = new double[2][rounds];
            for (int r = -5; r < rounds; r++) {
                for (int k = 0; k < 2; k++) {
                    int t = (r + k + 10) % 2;
                    AgentClient client = clients[t];
                    double c = timed(() -> {
                        client.createPortForwarding(List.of(rule));
                        client.revokePortForwarding(List.of(rule));
                    });
                    double p = timed(() -> client.ping("bench"));
                    if (r >= 0) {
                        change[t][r] = c;
                        ping[t][r] = p;
                    }
                }
            }
            line("Request bodies over 64 KiB gzip-compressed (the agents offer it): plain agent "
                    + clients[0].compressesBigBodies() + ", TLS agent " + clients[1].compressesBigBodies());
            line("");
            line("| measurement (state: " + dhcpCount + " DHCP hosts, " + pfCount + " rules, " + eipCount
                    + " EIPs) | pairs | plain HTTP median ms | mutual TLS median ms | TLS / plain (median of pair ratios) |");
            line("|---|---|---|---|---|");
            pairRow("full sync from empty, all three calls", sync);
            pairRow("full sync: CPU of the agent's JVM, ms", agentCpu);
            pairRow("full sync: CPU of the client (the node's side), ms", nodeCpu);
            pairRow("one change: add then remove 1 forwarding rule", change);
            pairRow("/ping (reference: a round trip, nothing applied)", ping);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        line("");
        line("Machine load at the end: " + loadAverage());
        System.out.print(report);
    }

    /** The suite the agent picks for the node's offer: one {@code /echo} over a client of the lab's node certificate. */
    private static String negotiatedCipherSuite(RouterLab lab) {
        javax.net.ssl.SSLContext node = io.vrouter.agent.tls.AgentTls.nodeContext(lab.authority().issue(
                io.vrouter.agent.tls.PeerRole.MANAGEMENT_NODE, "bench node", List.of()));
        try {
            java.net.http.HttpResponse<Void> response = AgentClient.newHttpClient(Duration.ofSeconds(10), node).send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(lab.agentUrl() + io.vrouter.agent.protocol.AgentPaths.ECHO))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            return response.sslSession().map(javax.net.ssl.SSLSession::getCipherSuite).orElse("(none)");
        } catch (IOException e) {
            return "(unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private void pairRow(String what, double[][] samples) {
        double[] ratios = new double[samples[0].length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = samples[1][i] / samples[0][i];
        }
        line("| " + what + " | " + ratios.length + " | " + fmt(median(samples[0])) + " | " + fmt(median(samples[1])) + " | "
                + String.format(Locale.ROOT, "%.3f", median(ratios)) + " |");
    }

    private static double median(double[] samples) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Adds then removes one rule, one EIP, one DHCP host, {@code rounds} times each. */
    private void incremental(AgentClient client, String present) {
        nftElementCost(present);
        // warm-up: the first calls pay for class loading and JIT
        for (int i = 0; i < 5; i++) {
            client.createPortForwarding(List.of(Workload.pf(pfCount + 1)));
            client.revokePortForwarding(List.of(Workload.pf(pfCount + 1)));
        }
        double[] ping = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ping[r] = timed(() -> client.ping("bench"));
        }
        stats("/ping (HTTP round trip, nothing applied; reference)", present, ping);
        double[] addPf = new double[rounds];
        double[] delPf = new double[rounds];
        double[] addEip = new double[rounds];
        double[] delEip = new double[rounds];
        double[] addDhcp = new double[rounds];
        double[] delDhcp = new double[rounds];
        PortForwardingRuleTO rule = Workload.pf(pfCount + 1);
        EipTO eip = new EipTO(Workload.eipVip(eipCount + 1).ip(), RouterLab.GUEST_MAC, RouterLab.PUBLIC_MAC,
                "10.1.250.250", false);
        var host = Workload.dhcp(dhcpCount + 1);
        for (int r = 0; r < rounds; r++) {
            addPf[r] = timed(() -> client.createPortForwarding(List.of(rule)));
            delPf[r] = timed(() -> client.revokePortForwarding(List.of(rule)));
            addEip[r] = timed(() -> client.createEip(eip));
            delEip[r] = timed(() -> client.removeEip(eip));
            addDhcp[r] = timed(() -> client.addDhcp(List.of(host), false));
            delDhcp[r] = timed(() -> client.removeDhcp(List.of(host)));
        }
        stats("add 1 port forwarding rule", present, addPf);
        stats("remove 1 port forwarding rule", present, delPf);
        stats("add 1 EIP", present, addEip);
        stats("remove 1 EIP", present, delEip);
        stats("add 1 DHCP host", present, addDhcp);
        stats("remove 1 DHCP host", present, delDhcp);
    }

    /** One {@code nft add rule} process per rule, as per-rule iptables-style agents do; bounded in time. */
    private void naive(RouterLab router) throws IOException {
        int total = pfCount + 2 * eipCount;
        StringBuilder script = new StringBuilder("set -e\n");
        script.append("nft add table ip naive\n");
        script.append("nft add chain ip naive pre '{ type nat hook prerouting priority dstnat; }'\n");
        script.append("nft add chain ip naive post '{ type nat hook postrouting priority srcnat; }'\n");
        int rules = 0;
        for (int i = 0; i < pfCount; i++) {
            if (++rules % 500 == 0) {
                script.append("echo progress ").append(rules).append('\n');
            }
            PortForwardingRuleTO r = Workload.pf(i);
            String proto = r.protocolType().toLowerCase(Locale.ROOT);
            script.append("nft add rule ip naive pre ip daddr ").append(r.vipIp()).append(' ').append(proto)
                    .append(" dport ").append(r.vipPortStart()).append('-').append(r.vipPortEnd())
                    .append(" dnat to ").append(r.privateIp()).append('\n');
        }
        for (int i = 0; i < eipCount; i++) {
            rules += 2;
            if (rules % 500 < 2) {
                script.append("echo progress ").append(rules).append('\n');
            }
            EipTO e = Workload.eip(i);
            script.append("nft add rule ip naive pre ip daddr ").append(e.vipIp()).append(" dnat to ")
                    .append(e.guestIp()).append('\n');
            script.append("nft add rule ip naive post ip saddr ").append(e.guestIp()).append(" snat to ")
                    .append(e.vipIp()).append('\n');
        }
        script.append("nft delete table ip naive\n");
        Path file = Files.createTempFile("vrouter-naive", ".sh");
        Files.writeString(file, script.toString());
        long start = System.nanoTime();
        CommandResult result = new io.vrouter.platform.process.CommandRunner(Duration.ofSeconds(naiveBudgetSeconds + 60))
                .run(List.of("ip", "netns", "exec", router.routerNs(), "timeout", Integer.toString(naiveBudgetSeconds),
                        "sh", file.toString()), null);
        double elapsed = ms(System.nanoTime() - start);
        router.lab().tryExec(router.routerNs(), "nft", "delete", "table", "ip", "naive");
        Files.deleteIfExists(file);
        if (result.succeeded()) {
            line("Naive reference: " + total + " NAT rules (" + pfCount + " forwarding + 2 x " + eipCount
                    + " EIP), one `nft add rule` process each: **" + fmt(elapsed) + " ms** (" + fmt(elapsed / total)
                    + " ms per rule)");
        } else {
            int done = result.stdout().lines().filter(l -> l.startsWith("progress ")).mapToInt(
                    l -> Integer.parseInt(l.substring(9).trim())).max().orElse(0);
            line("Naive reference: stopped by the " + naiveBudgetSeconds + " s budget after " + done + " of " + total
                    + " rules (" + fmt(done == 0 ? 0 : elapsed / done) + " ms per rule, growing with the chain); "
                    + "extrapolated linearly to all rules: at least **" + fmt(done == 0 ? 0 : elapsed / done * total)
                    + " ms** (exit " + result.exitCode() + ": " + result.stderr().strip() + ")");
        }
    }

    /**
     * The bare cost of one {@code nft} process adding and one deleting a map element in the agent's table as it
     * is now: shows whether nft itself gets slower as the table grows (it reads what it needs of the table).
     */
    private void nftElementCost(String present) {
        String element = "{ tcp . 198.18.0.1 . 9 : 10.1.0.9 . 9 }";
        double cost = processCost(router, "nft add element ip vrouter pf_dnat '" + element
                + "'; nft delete element ip vrouter pf_dnat '{ tcp . 198.18.0.1 . 9 }'") / 2;
        row("bare `nft add/delete element` process (reference)", present, cost);
    }

    /** Mean cost of one process running {@code command} inside the router namespace (20 runs, one shell). */
    private static double processCost(RouterLab router, String command) {
        long start = System.nanoTime();
        router.lab().tryExec(router.routerNs(), "sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18"
                + " 19 20; do " + command + "; done");
        return ms(System.nanoTime() - start) / 20;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return ms(System.nanoTime() - start);
    }

    private void stats(String what, String present, double[] samples) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        row(what, present, sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.95) - 1],
                sorted[sorted.length - 1]);
    }

    private void row(String what, String present, double... values) {
        StringBuilder s = new StringBuilder("| ").append(what).append(" | ").append(present).append(" |");
        for (double v : values) {
            s.append(' ').append(fmt(v)).append(" |");
        }
        for (int i = values.length; i < 3; i++) {
            s.append(" |");
        }
        line(s.toString());
    }

    private void line(String text) {
        report.append(text).append('\n');
        System.err.println(text);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, ms < 10 ? "%.2f" : "%.0f", ms);
    }
}
