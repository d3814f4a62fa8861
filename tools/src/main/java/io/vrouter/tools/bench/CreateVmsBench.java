package io.vrouter.tools.bench;

import io.vrouter.client.ApiReply;
import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Issue 3's concurrent creation benchmark: {@code --vms} CreateVmInstance calls at once from {@code --threads}
 * client threads on one L3 with room for all (Simulator hosts, no network services), then the same on an L3 of
 * {@code --small-ips} addresses with more VMs than addresses, to show what the first caller past exhaustion gets.
 */
final class CreateVmsBench {
    private final int vms;
    private final int threads;
    private final int smallIps;
    private final int smallVms;
    private final int warmup;
    private final String dbUrl;
    private final PrintStream out;

    CreateVmsBench(int vms, int threads, int smallIps, int smallVms, int warmup, String dbUrl, PrintStream out) {
        this.vms = vms;
        this.threads = threads;
        this.smallIps = smallIps;
        this.smallVms = smallVms;
        this.warmup = warmup;
        this.dbUrl = dbUrl;
        this.out = out;
    }

    /** One finished call: when it ended, how long it took, and what it got. */
    private record Outcome(int index, long endedNanos, long latencyNanos, int status, String ip, String mac, String errorCode,
                           String errorDetails) {
        boolean ok() {
            return status == 200;
        }
    }

    private record Setup(String cluster, String image, String offering) {
    }

    void run() {
        out.printf("create-vms benchmark: %,d concurrent CreateVmInstance from %d client threads; then %d VMs on %d addresses%n",
                vms, threads, smallVms, smallIps);
        try (BenchNode node = BenchNode.start(dbUrl)) {
            out.println("database: " + node.database());
            ApiClient api = node.api();
            String zone = api.create("CreateZone", "name", "bench-zone");
            String cluster = api.create("CreateCluster", "zoneUuid", zone, "name", "bench-cluster", "hypervisorType", "Simulator");
            api.create("AddSimulatorHost", "clusterUuid", cluster, "name", "bench-host", "managementIp", "127.0.0.2");
            Setup setup = new Setup(cluster,
                    api.create("AddImage", "name", "bench-image", "url", "http://images.invalid/vm.qcow2", "format", "qcow2",
                            "mediaType", "RootVolumeTemplate"),
                    api.create("CreateInstanceOffering", "name", "bench-small", "cpuNum", 1, "cpuSpeed", 1000, "memorySize", 1L << 30));

            // room for twice the VMs, at least a /24
            int prefix = Math.min(24, 32 - (64 - Long.numberOfLeadingZeros(2L * vms + 2)));
            String big = l3(api, setup, "bench-big", "eth0", Map.of("networkCidr", "10.0.0.0/" + prefix));
            if (warmup > 0) {
                String warm = l3(api, setup, "bench-warmup", "eth2", Map.of("networkCidr", "10.200.0.0/24"));
                List<Outcome> w = createAll(api, setup, warm, "warmup-vm-", Math.min(warmup, 200));
                out.printf("warm-up: %d VMs created on another L3 (not counted)%n", w.stream().filter(Outcome::ok).count());
            }

            long start = System.nanoTime();
            List<Outcome> outcomes = createAll(api, setup, big, "bench-vm-", vms);
            double seconds = (System.nanoTime() - start) / 1e9;
            reportConcurrent(api, big, outcomes, seconds);

            String small = l3(api, setup, "bench-small", "eth1", null);
            api.ok("AddIpRange", Map.of("l3NetworkUuid", small, "name", "bench-small-range", "startIp", "192.168.200.10",
                    "endIp", "192.168.200." + (10 + smallIps - 1), "netmask", "255.255.255.0", "gateway", "192.168.200.1"));
            List<Outcome> smallOutcomes = createAll(api, setup, small, "small-vm-", smallVms);
            List<Outcome> after = createAll(api, setup, small, "after-exhaustion-vm-", 1);
            reportExhaustion(smallOutcomes, after.get(0));
        }
    }

    /** An L3 on a new no-VLAN L2 attached to the cluster; with a range by CIDR when given. */
    private static String l3(ApiClient api, Setup setup, String name, String nic, Map<String, Object> cidrRange) {
        String zone = api.query("QueryCluster", 1, "uuid", "=", setup.cluster()).get(0).path("zoneUuid").asText();
        String l2 = api.create("CreateL2NoVlanNetwork", "zoneUuid", zone, "name", name + "-l2", "physicalInterface", nic);
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", setup.cluster()));
        String l3 = api.create("CreateL3Network", "l2NetworkUuid", l2, "name", name);
        if (cidrRange != null) {
            Map<String, Object> params = new LinkedHashMap<>(cidrRange);
            params.put("l3NetworkUuid", l3);
            params.put("name", name + "-range");
            api.ok("AddIpRangeByNetworkCidr", params);
        }
        return l3;
    }

    /** {@code count} CreateVmInstance calls released at once onto the client threads; outcomes in end order. */
    private List<Outcome> createAll(ApiClient api, Setup setup, String l3, String namePrefix, int count) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, count));
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    long t = System.nanoTime();
                    ApiReply r = api.call("CreateVmInstance", Map.of("name", namePrefix + index,
                            "instanceOfferingUuid", setup.offering(), "imageUuid", setup.image(), "l3NetworkUuids", List.of(l3)));
                    long ended = System.nanoTime();
                    if (r.ok()) {
                        JsonNode nic = r.body().path("inventory").path("vmNics").path(0);
                        return new Outcome(index, ended, ended - t, r.status(), nic.path("ip").asText(null), nic.path("mac").asText(null),
                                null, null);
                    }
                    return new Outcome(index, ended, ended - t, r.status(), null, null, r.errorCode(), r.errorDetails());
                }));
            }
            go.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get());
            }
            outcomes.sort(Comparator.comparingLong(Outcome::endedNanos));
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a client thread failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private void reportConcurrent(ApiClient api, String l3, List<Outcome> outcomes, double seconds) {
        List<Outcome> ok = outcomes.stream().filter(Outcome::ok).toList();
        Set<String> ips = new HashSet<>();
        Set<String> macs = new HashSet<>();
        ok.forEach(o -> {
            ips.add(o.ip());
            macs.add(o.mac());
        });
        // what the database holds, through the API: every nic on the L3, with its address
        List<JsonNode> nics = api.query("QueryVmNic", vms + 1_000, "l3NetworkUuid", "=", l3);
        Set<String> dbIps = new HashSet<>();
        Set<String> dbMacs = new HashSet<>();
        nics.forEach(n -> {
            dbIps.add(n.path("ip").asText());
            dbMacs.add(n.path("mac").asText());
        });
        Stats latency = Stats.ofNanos(outcomes.stream().map(Outcome::latencyNanos).toList());
        out.println();
        new ResultTable("measure", "value")
                .row("calls", outcomes.size())
                .row("client threads", Math.min(threads, outcomes.size()))
                .row("succeeded", ok.size() + (ok.size() == outcomes.size() ? " (all)" : " (NOT all)"))
                .row("wall time s", seconds)
                .row("calls/s", outcomes.size() / seconds)
                .row("latency median / p95 / p99 / max ms", ResultTable.format(latency.median()) + " / " + ResultTable.format(latency.p95())
                        + " / " + ResultTable.format(latency.p99()) + " / " + ResultTable.format(latency.max()))
                .row("distinct IPs in replies", ips.size() + (ips.size() == ok.size() ? " (no duplicate)" : " (DUPLICATES)"))
                .row("distinct MACs in replies", macs.size() + (macs.size() == ok.size() ? " (no duplicate)" : " (DUPLICATES)"))
                .row("nics on the L3 (QueryVmNic)", nics.size())
                .row("distinct IPs / MACs of those nics", dbIps.size() + " / " + dbMacs.size()
                        + (dbIps.size() == nics.size() && dbMacs.size() == nics.size() ? " (no duplicate)" : " (DUPLICATES)"))
                .print(out);
        Map<String, Long> errors = new TreeMap<>();
        outcomes.stream().filter(o -> !o.ok()).forEach(o -> errors.merge(o.status() + " " + o.errorCode() + ": " + o.errorDetails(), 1L, Long::sum));
        errors.forEach((e, n) -> out.println("  failure x" + n + ": " + e));
    }

    private void reportExhaustion(List<Outcome> outcomes, Outcome after) {
        List<Outcome> ok = outcomes.stream().filter(Outcome::ok).toList();
        Set<String> ips = new HashSet<>();
        ok.forEach(o -> ips.add(o.ip()));
        Outcome firstFailure = outcomes.stream().filter(o -> !o.ok()).findFirst().orElse(null);
        out.println();
        out.printf("small L3: %d addresses (192.168.200.10-%d), %d concurrent CreateVmInstance, then one more%n",
                smallIps, 10 + smallIps - 1, outcomes.size());
        new ResultTable("measure", "value")
                .row("succeeded", ok.size() + (ok.size() == Math.min(smallIps, outcomes.size()) ? " (= the addresses)" : " (expected "
                        + Math.min(smallIps, outcomes.size()) + ")"))
                .row("distinct IPs", ips.size() + (ips.size() == ok.size() ? " (no duplicate)" : " (DUPLICATES)"))
                .row("failed", outcomes.size() - ok.size())
                .row("first failure", firstFailure == null ? "none" : describe(firstFailure))
                .row("the call after exhaustion", describe(after))
                .print(out);
        Map<String, Long> errors = new TreeMap<>();
        outcomes.stream().filter(o -> !o.ok()).forEach(o -> errors.merge(describe(o), 1L, Long::sum));
        errors.forEach((e, n) -> out.println("  failure x" + n + ": " + e));
    }

    private static String describe(Outcome o) {
        return o.ok() ? "HTTP 200 (created, " + o.ip() + ")" : "HTTP " + o.status() + " " + o.errorCode() + ": " + o.errorDetails();
    }
}
