package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the HA demo, benchmark and tests do to a VRRP pair and how they measure it, with real packets: who is master
 * (through the API), a guest's ping every 10 ms and the longest gap in its replies, killing every process of a
 * router's namespace, taking its links down, cutting VRRP between the pair, and which MACs answer ARP for the
 * gateway on the guest L2.
 */
public final class HaFailover {
    private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(30));
    private static final Pattern SEQ = Pattern.compile("seq=(\\d+)");
    private static final Pattern MAC = Pattern.compile("\\[([0-9a-fA-F:]{17})]");
    /** The nftables table the partition adds inside a router's namespace (never the agent's own table). */
    static final String PARTITION_TABLE = "vrhapartition";

    private HaFailover() {
    }

    // ---------------------------------------------------------------- the node's view

    /** Each router of the L3 with its haStatus, as QueryVirtualRouterVm shows it. */
    public static Map<String, String> haStatuses(ApiClient api, String l3) {
        Map<String, String> statuses = new LinkedHashMap<>();
        for (JsonNode r : api.query("QueryVirtualRouterVm", "vmNics.l3NetworkUuid", "=", l3)) {
            statuses.put(r.get("uuid").asText(), r.path("haStatus").asText());
        }
        return statuses;
    }

    /** The one master of the L3's pair once there is exactly one (and a backup when {@code withBackup}), or null. */
    public static String awaitMaster(ApiClient api, String l3, Duration timeout, boolean withBackup) {
        return GuestProbe.await(timeout, () -> {
            Map<String, String> s = haStatuses(api, l3);
            List<String> masters = s.entrySet().stream().filter(e -> e.getValue().equals("Master")).map(Map.Entry::getKey).toList();
            boolean backup = s.containsValue("Backup");
            return masters.size() == 1 && (!withBackup || backup) ? masters.get(0) : null;
        });
    }

    /** Waits until {@code router} shows {@code status}; true when it did within the timeout. */
    public static boolean awaitStatus(ApiClient api, String l3, String router, String status, Duration timeout) {
        return GuestProbe.await(timeout, () -> status.equals(haStatuses(api, l3).get(router)) ? Boolean.TRUE : null) != null;
    }

    // ---------------------------------------------------------------- a guest's ping

    /**
     * One ping run: what was sent and answered, the longest stretch without an answer, and when it began (ms after the
     * first ping was sent).
     */
    public record PingResult(int sent, int received, long longestGapMillis, long longestGapStartMillis) {
        public int lost() {
            return sent - received;
        }
    }

    /** A ping every {@code intervalMillis} from {@code ns} to {@code target}, running in the background. */
    public static final class PingRun {
        private final Process process;
        private final long intervalMillis;

        private PingRun(Process process, long intervalMillis) {
            this.process = process;
            this.intervalMillis = intervalMillis;
        }

        /** Waits for the run to end (its deadline) and reads it. */
        public PingResult finish() {
            return parse(output(), intervalMillis);
        }

        /**
         * Waits for the first answer and ends the run: how long after its first ping that answer came (the answered
         * ping's sequence number times the interval), or -1 when none came before the deadline. How long a path took to
         * work again.
         */
        public long firstReplyMillis() {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Matcher m = SEQ.matcher(line);
                    if (m.find()) {
                        return Integer.parseInt(m.group(1)) * intervalMillis;
                    }
                }
                return -1;
            } catch (IOException e) {
                throw new IllegalStateException("cannot read ping's output: " + e, e);
            } finally {
                process.destroyForcibly();
            }
        }

        private String output() {
            try {
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                process.waitFor(30, TimeUnit.SECONDS);
                return out;
            } catch (IOException e) {
                throw new IllegalStateException("cannot read ping's output: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for ping");
            } finally {
                process.destroyForcibly();
            }
        }
    }

    public static PingRun startPing(String ns, String target, long intervalMillis, Duration deadline) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, "busybox", "ping", "-i",
                    String.format(java.util.Locale.ROOT, "%.3f", intervalMillis / 1000.0), "-w",
                    Long.toString(Math.max(1, deadline.toSeconds())), target)
                    .redirectErrorStream(true).start();
            return new PingRun(p, intervalMillis);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start ping in " + ns + ": " + e, e);
        }
    }

    /** Reads busybox ping's lines: every {@code seq=N} answered; the longest gap counts the missing sequence numbers. */
    static PingResult parse(String out, long intervalMillis) {
        List<Integer> seqs = new ArrayList<>();
        Matcher m = SEQ.matcher(out);
        while (m.find()) {
            seqs.add(Integer.parseInt(m.group(1)));
        }
        Matcher sent = Pattern.compile("(\\d+) packets transmitted").matcher(out);
        int transmitted = sent.find() ? Integer.parseInt(sent.group(1)) : (seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1) + 1);
        int longest = seqs.isEmpty() ? transmitted : seqs.get(0);
        int start = 0;
        for (int i = 1; i < seqs.size(); i++) {
            if (seqs.get(i) - seqs.get(i - 1) - 1 > longest) {
                longest = seqs.get(i) - seqs.get(i - 1) - 1;
                start = seqs.get(i - 1) + 1;
            }
        }
        if (!seqs.isEmpty() && transmitted - 1 - seqs.get(seqs.size() - 1) > longest) {
            longest = transmitted - 1 - seqs.get(seqs.size() - 1);
            start = seqs.get(seqs.size() - 1) + 1;
        }
        return new PingResult(transmitted, new TreeSet<>(seqs).size(), longest * intervalMillis, (long) start * intervalMillis);
    }

    // ---------------------------------------------------------------- breaking a router

    /** SIGKILL to every process of the namespace (agent, keepalived, conntrackd, dnsmasq): the router's software dies. */
    public static List<Long> killAll(String ns) {
        CommandResult r = RUNNER.run(List.of("ip", "netns", "pids", ns), null);
        List<Long> pids = new ArrayList<>();
        for (String line : r.stdout().split("\\s+")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.trim()));
            }
        }
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        return pids;
    }

    /**
     * Sets every {@code eth*} link of the namespace down or up. Down goes from the highest device to the lowest: a
     * router's guest nic (its VRRP nic) is its last, and taking it first keeps keepalived from sending the goodbye
     * advert (priority 0) it sends when another of its nics fails, which a router that dies does not send.
     */
    public static void links(String ns, boolean up) {
        CommandResult r = RUNNER.check(List.of("ip", "-n", ns, "-o", "link", "show"), null);
        List<String> ifnames = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            String[] parts = line.split(":\\s+");
            if (parts.length > 1 && parts[1].startsWith("eth")) {
                ifnames.add(parts[1].split("@")[0]);
            }
        }
        ifnames.sort(up ? java.util.Comparator.naturalOrder() : java.util.Comparator.reverseOrder());
        StringBuilder batch = new StringBuilder();
        ifnames.forEach(ifname -> batch.append("link set ").append(ifname).append(up ? " up" : " down").append('\n'));
        RUNNER.check(List.of("ip", "-n", ns, "-batch", "-"), batch.toString());
    }

    /** Drops VRRP in the namespace (both directions when called for both routers): the pair cannot hear each other. */
    public static void partition(String ns, boolean cut) {
        if (cut) {
            RUNNER.check(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), "table ip " + PARTITION_TABLE + " {\n"
                    + "  chain in { type filter hook input priority -400; ip protocol vrrp drop; }\n"
                    + "  chain out { type filter hook output priority -400; ip protocol vrrp drop; }\n}\n");
        } else {
            RUNNER.run(List.of("ip", "netns", "exec", ns, "nft", "delete", "table", "ip", PARTITION_TABLE), null);
        }
    }

    /** The MACs that answer ARP for {@code ip} on the guest's {@code eth0}, over a few requests. */
    public static Set<String> macsAnswering(String guestNs, String ip) {
        CommandResult r = RUNNER.run(List.of("ip", "netns", "exec", guestNs, "busybox", "arping", "-c", "3", "-w", "2",
                "-I", "eth0", ip), null);
        Set<String> macs = new TreeSet<>();
        Matcher m = MAC.matcher(r.stdout());
        while (m.find()) {
            macs.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
        }
        return macs;
    }

    /** A fresh DHCP exchange from the guest (a new DISCOVER, nothing reconfigured): true when a lease was offered. */
    public static boolean dhcpAnswers(String guestNs) {
        CommandResult r = RUNNER.run(List.of("ip", "netns", "exec", guestNs, "busybox", "udhcpc", "-n", "-q", "-f",
                "-i", "eth0", "-s", "/bin/true", "-t", "4", "-T", "1"), null);
        return r.succeeded();
    }
}
