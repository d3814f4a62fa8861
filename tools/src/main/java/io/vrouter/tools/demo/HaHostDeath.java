package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.platform.process.CommandRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * VRRP pairs on several hosts, and a host that dies under them (what {@code bench ha --host-death-pairs} and the
 * multi-host HA test do): HA guest L3s on a {@link MultiHostWorld}, each with a guest on a host the caller names;
 * a host powered off ({@link MultiHostLab#powerOff}) while every guest pings its gateway; how long until every pair
 * has a master again, as the management node sees it (its {@code haStatus}) and as the guests see it (the longest
 * gap in their pings); and how much memory a pair's routers take on their hosts.
 */
public final class HaHostDeath {
    private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(30));

    private HaHostDeath() {
    }

    /** An HA guest L3 and its one guest. */
    public record HaL3(String uuid, String name, JsonNode guest, String guestNs, String gateway) {
    }

    /**
     * {@code count} HA guest L3s ({@code virtualRouterHa::VRRP} before their first VM) on the world's guest L2, named
     * {@code <name>-<i>}, on {@code 172.20.<first + i>.0/24}, with DHCP, DNS and SNAT from the virtual router; each
     * gets a seed VM on {@code seedHost}, which creates its pair, {@code parallel} L3s at a time. Their guests come
     * with {@link #addGuests}: the guests' host can be kept free of routers (disabled meanwhile).
     */
    public static List<String> createSeeded(MultiHostWorld world, String name, int count, int first, String seedHost, int parallel)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<Future<String>> made = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                made.add(pool.submit(() -> l3With(world, name + "-" + n, "172.20." + (first + n) + ".0/24", seedHost)));
            }
            List<String> l3s = new ArrayList<>();
            for (Future<String> f : made) {
                l3s.add(f.get());
            }
            return l3s;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One guest on each L3 (named after the L3's index), on {@code guestHost}. */
    public static List<HaL3> addGuests(MultiHostWorld world, String name, List<String> l3s, String guestHost, int parallel)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<Future<HaL3>> made = new ArrayList<>();
            for (int i = 0; i < l3s.size(); i++) {
                String l3 = l3s.get(i);
                String n = name + "-" + i;
                made.add(pool.submit(() -> guestOn(world, l3, n, guestHost)));
            }
            List<HaL3> out = new ArrayList<>();
            for (Future<HaL3> f : made) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static HaL3 guestOn(MultiHostWorld world, String l3, String name, String guestHost) {
        JsonNode guest = world.api.inventory("CreateVmInstance", "name", name + "-guest", "instanceOfferingUuid", world.userOffering,
                "imageUuid", world.userImage, "l3NetworkUuids", List.of(l3), "hostUuid", guestHost);
        return new HaL3(l3, name, guest, world.namespaceOf(guest), guest.get("vmNics").get(0).get("gateway").asText());
    }

    /** An HA guest L3 on the world's guest L2, with DHCP, DNS and SNAT from the virtual router; no VM on it yet. */
    static String haL3(MultiHostWorld world, String name, String cidr) {
        return l3With(world, name, cidr, null);
    }

    /** An HA guest L3; with a seed VM on {@code seedHost} (which creates its pair) when that is not null. */
    private static String l3With(MultiHostWorld world, String name, String cidr, String seedHost) {
        ApiClient api = world.api;
        String l3 = api.create("CreateL3Network", "l2NetworkUuid", world.guestL2, "name", name, "system", false);
        api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", name + "-range", "networkCidr", cidr));
        api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", SeedWorld.OUTSIDE_IP));
        api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3, "networkServices",
                Map.of(world.providerUuid, List.of("DHCP", "DNS", "SNAT"))));
        api.ok("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", l3, "tag", "virtualRouterHa::VRRP"));
        if (seedHost != null) {
            api.inventory("CreateVmInstance", "name", name + "-seed", "instanceOfferingUuid", world.userOffering,
                    "imageUuid", world.userImage, "l3NetworkUuids", List.of(l3), "hostUuid", seedHost);
        }
        return l3;
    }

    /**
     * Makes the router on {@code hostUuid} the master of each L3 where it is not: the current master's links go down
     * until the node sees the other master, then up again (it comes back as backup: no preemption). So a host's death
     * takes every pair's master at once.
     */
    public static void mastersOn(MultiHostWorld world, String hostUuid, List<String> l3s) {
        for (String l3 : l3s) {
            Map<String, String> hosts = routerHosts(world, l3);
            String wanted = hosts.entrySet().stream().filter(e -> e.getValue().equals(hostUuid)).map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no router of L3 " + l3 + " on host " + hostUuid + ": " + hosts));
            String master = HaFailover.awaitMaster(world.api, l3, Duration.ofSeconds(60), true);
            if (master == null) {
                throw new IllegalStateException("L3 " + l3 + " has no master and backup: " + HaFailover.haStatuses(world.api, l3));
            }
            if (master.equals(wanted)) {
                continue;
            }
            String ns = world.labHost(hosts.get(master)).namePrefix() + "-" + master;
            HaFailover.links(ns, false);
            try {
                if (!HaFailover.awaitStatus(world.api, l3, wanted, "Master", Duration.ofSeconds(20))) {
                    throw new IllegalStateException("router " + wanted + " did not take over L3 " + l3);
                }
            } finally {
                HaFailover.links(ns, true);
            }
            HaFailover.awaitStatus(world.api, l3, master, "Backup", Duration.ofSeconds(60));
        }
    }

    /** Each router of the L3 and the host it runs on. */
    public static Map<String, String> routerHosts(MultiHostWorld world, String l3) {
        Map<String, String> hosts = new LinkedHashMap<>();
        world.routersOn(l3).forEach(r -> hosts.put(r.get("uuid").asText(), r.get("hostUuid").asText()));
        return hosts;
    }

    /** What one host's death did to the pairs. */
    public record Outcome(String deadHost, Map<String, Long> nodeSawMasterMillis, Map<String, Long> longestGapMillis,
                          Set<String> withoutMaster) {
        /** The time until the last pair had a master again (node's view), or -1 when some never did. */
        public long allMastersMillis() {
            return withoutMaster.isEmpty() ? nodeSawMasterMillis.values().stream().mapToLong(Long::longValue).max().orElse(0) : -1;
        }

        public long worstGapMillis() {
            return longestGapMillis.values().stream().mapToLong(Long::longValue).max().orElse(0);
        }

        public String summary() {
            List<Long> node = nodeSawMasterMillis.values().stream().sorted().toList();
            List<Long> gaps = longestGapMillis.values().stream().sorted().toList();
            return String.format("%d pairs: every pair had a master again (node's view) after %s; per pair median %d ms, worst %d ms;"
                            + " guests' longest ping gap median %d ms, worst %d ms",
                    longestGapMillis.size(), withoutMaster.isEmpty() ? allMastersMillis() + " ms" : "NEVER for " + withoutMaster,
                    node.isEmpty() ? -1 : node.get(node.size() / 2), node.isEmpty() ? -1 : node.get(node.size() - 1),
                    gaps.isEmpty() ? -1 : gaps.get(gaps.size() / 2), gaps.isEmpty() ? -1 : gaps.get(gaps.size() - 1));
        }
    }

    /**
     * Every guest pings its gateway every {@code pingMillis}; {@code host} is powered off; then, polling the node
     * every 20 ms, the time from the power-off until each L3 has a master that is not on that host. The guests' pings
     * run for {@code pingFor}.
     */
    public static Outcome powerOff(MultiHostWorld world, MultiHostLab.Host host, String hostUuid, List<HaL3> l3s, long pingMillis,
                                   Duration pingFor, Duration timeout) throws InterruptedException {
        Map<String, String> l3OfRouter = new HashMap<>();
        Set<String> onDeadHost = ConcurrentHashMap.newKeySet();
        for (HaL3 l3 : l3s) {
            routerHosts(world, l3.uuid()).forEach((vr, h) -> {
                l3OfRouter.put(vr, l3.uuid());
                if (h.equals(hostUuid)) {
                    onDeadHost.add(vr);
                }
            });
        }
        Map<String, HaFailover.PingRun> pings = new LinkedHashMap<>();
        for (HaL3 l3 : l3s) {
            if (l3.guestNs() != null) { // null: a guest left out of the data-path measure (see the caller)
                pings.put(l3.uuid(), HaFailover.startPing(l3.guestNs(), l3.gateway(), pingMillis, pingFor));
            }
        }
        Thread.sleep(1000);
        Map<String, Long> seen = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        Thread killer = new Thread(() -> world.lab.powerOff(host), "power-off");
        killer.start();
        long deadline = t0 + timeout.toNanos();
        while (seen.size() < l3s.size() && System.nanoTime() < deadline) {
            for (JsonNode master : world.api.query("QueryVirtualRouterVm", "haStatus", "=", "Master")) {
                String vr = master.get("uuid").asText();
                String l3 = l3OfRouter.get(vr);
                if (l3 != null && !onDeadHost.contains(vr)) {
                    seen.putIfAbsent(l3, (System.nanoTime() - t0) / 1_000_000);
                }
            }
            Thread.sleep(20);
        }
        killer.join();
        Map<String, Long> gaps = new LinkedHashMap<>();
        pings.forEach((l3, run) -> gaps.put(l3, run.finish().longestGapMillis()));
        Set<String> missing = new java.util.TreeSet<>(l3OfRouter.values());
        missing.removeAll(seen.keySet());
        Map<String, Long> inOrder = new LinkedHashMap<>();
        l3s.forEach(l3 -> {
            if (seen.containsKey(l3.uuid())) {
                inOrder.put(l3.uuid(), seen.get(l3.uuid()));
            }
        });
        return new Outcome(hostUuid, inOrder, gaps, missing);
    }

    /**
     * The resident memory of the processes in the given router namespaces, in MiB, by program (java: the router
     * agents; keepalived, conntrackd, dnsmasq), read from {@code /proc}.
     */
    public static Map<String, Long> residentMemoryMiB(List<String> routerNamespaces) {
        Map<String, Long> kib = new TreeMap<>();
        for (String ns : routerNamespaces) {
            for (String pid : RUNNER.run(List.of("ip", "netns", "pids", ns), null).stdout().split("\\s+")) {
                if (pid.isBlank()) {
                    continue;
                }
                try {
                    String status = Files.readString(Path.of("/proc", pid.trim(), "status"));
                    String name = status.lines().filter(l -> l.startsWith("Name:")).findFirst().map(l -> l.substring(5).trim()).orElse("?");
                    long rss = status.lines().filter(l -> l.startsWith("VmRSS:")).findFirst()
                            .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
                    kib.merge(name, rss, Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the process ended between the listing and the read
                }
            }
        }
        Map<String, Long> mib = new TreeMap<>();
        kib.forEach((name, k) -> mib.put(name, k / 1024));
        return mib;
    }

    /** The namespaces of the routers of the L3s, on their hosts. */
    public static List<String> routerNamespaces(MultiHostWorld world, List<HaL3> l3s) {
        List<String> namespaces = new ArrayList<>();
        for (HaL3 l3 : l3s) {
            routerHosts(world, l3.uuid()).forEach((vr, host) -> namespaces.add(world.labHost(host).namePrefix() + "-" + vr));
        }
        return namespaces;
    }
}
