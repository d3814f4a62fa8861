package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.lab.MultiHostLab;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code ./vrouter bench deadhost-netns [--routers 1,10] [--runs 3] [--confirm-s 5]}, as root: a host dies with its
 * routers on real host agents. Each run builds a {@link MultiHostLab} of three hosts (each a namespace with its own
 * host agent process) and a management node with the default settings but {@code hostFailure/confirm.time}; makes
 * {@code R} guest L3s (DHCP, DNS, SNAT) whose routers run on host 1, each with a guest on host 2 (baseline: from the
 * guests' creation, all at once, to every guest holding its lease and going out through SNAT); then powers host 1
 * off (every process of it killed, its namespaces deleted) and times, per guest, from the kill until a DHCP exchange
 * from inside the guest gets its lease again AND a TCP connection to the outside shows the router's public address
 * (SNAT). Everything is removed at the end of each run.
 */
@Command(name = "vrouter bench deadhost-netns", mixinStandardHelpOptions = true, sortOptions = false,
        description = "As root: a host powered off with its routers, on hosts played by namespaces with real host agents:"
                + " time from the kill to the guests on another host renewing their leases and going out through SNAT.")
public final class DeadHostLabBenchMain implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--routers", defaultValue = "1,10", split = ",", description = "routers on the dying host, one size per run group")
    private List<Integer> routers;

    @Option(names = "--runs", defaultValue = "3", description = "runs per size (default: ${DEFAULT-VALUE})")
    private int runs;

    @Option(names = "--confirm-s", defaultValue = "5", description = "hostFailure/confirm.time (the product's default: 5)")
    private int confirm;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DeadHostLabBenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (LabBench.cannotRunLab("deadhost-netns")) {
            return 1;
        }
        System.out.printf("deadhost-netns: %s, %d CPUs, load average %.2f, confirm.time %d s%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage(), confirm);
        System.out.println("| routers | run | create -> leases+SNAT s (baseline) | kill -> all routers moved s | kill -> first guest back s | kill -> all back s | all / baseline |");
        System.out.println("| ------- | --- | ---------------------------------- | --------------------------- | -------------------------- | ------------------ | -------------- |");
        for (int size : routers) {
            for (int run = 1; run <= runs; run++) {
                oneRun(size, run);
            }
        }
        return 0;
    }

    private void oneRun(int size, int run) throws Exception {
        try (LabBench bench = LabBench.open("vrouter-deadhost-bench-")) {
            oneRun(bench, size, run);
        }
    }

    private void oneRun(LabBench bench, int size, int run) throws Exception {
        MultiHostLab lab = bench.lab();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, size));
        try {
            ApiClient api = bench.startNode();
            api.ok("UpdateGlobalConfig", Map.of("category", "hostFailure", "name", "confirm.time", "value", Integer.toString(confirm)));
            MultiHostWorld world = bench.world(api, 3);
            MultiHostWorld w = world;
            List<String> l3s = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                String l3 = api.create("CreateL3Network", "l2NetworkUuid", world.guestL2, "name", "dying-" + i, "system", false);
                api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "r", "networkCidr", "10.220." + i + ".0/24"));
                api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", SeedWorld.OUTSIDE_IP));
                api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3, "networkServices",
                        Map.of(world.providerUuid, List.of("DHCP", "DNS", "SNAT"))));
                l3s.add(l3);
            }
            // the guests on host 2, all at once; host 1 offers the most memory, so their routers go there
            long c0 = System.nanoTime();
            List<CompletableFuture<JsonNode>> created = l3s.stream().map(l3 -> CompletableFuture.supplyAsync(() ->
                    w.api.inventory("CreateVmInstance", "name", "g-" + l3.substring(0, 8), "instanceOfferingUuid", w.userOffering,
                            "imageUuid", w.userImage, "l3NetworkUuids", List.of(l3), "hostUuid", w.host(2)), pool)).toList();
            List<JsonNode> guests = created.stream().map(CompletableFuture::join).toList();
            List<Guest> watched = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                JsonNode router = world.routersOn(l3s.get(i)).get(0);
                if (!router.get("hostUuid").asText().equals(world.host(1))) {
                    throw new IllegalStateException("router " + i + " is not on host 1 but on " + world.hostName(router.get("hostUuid").asText()));
                }
                watched.add(new Guest(world.probe(guests.get(i)), SeedWorld.ipOn(guests.get(i), l3s.get(i)),
                        SeedWorld.ipOn(router, world.publicL3)));
            }
            double createS = awaitAll(watched, c0, pool).stream().mapToDouble(Double::doubleValue).max().orElse(0);

            long k0 = System.nanoTime();
            lab.powerOff(lab.hosts().get(0));
            // the node's side: every router recorded on another host (the host confirmed dead, the re-creation begun)
            String dead = world.host(1);
            CompletableFuture<Double> moved = CompletableFuture.supplyAsync(() -> {
                while (System.nanoTime() - k0 < Duration.ofSeconds(300).toNanos()) {
                    if (l3s.stream().allMatch(l3 -> !w.routersOn(l3).get(0).get("hostUuid").asText().equals(dead))) {
                        return (System.nanoTime() - k0) / 1e9;
                    }
                    Outside.sleep(100);
                }
                return Double.NaN;
            });
            List<Double> back = awaitAll(watched, k0, pool);
            double first = back.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            double all = back.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            System.out.printf("| %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f |%n", size, run, createS, moved.join(), first, all,
                    all / createS);
        } finally {
            pool.shutdownNow();
        }
    }

    private record Guest(GuestProbe probe, String ip, String snatSource) {
        /** Renews its lease and goes out through SNAT as its router's public address. */
        boolean served() {
            return ip.equals(probe.renewLease(ip)) && snatSource.equals(probe.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT));
        }
    }

    /** Seconds from {@code t0} until each guest is served, all watched at once; fails after 300 s. */
    private static List<Double> awaitAll(List<Guest> guests, long t0, ExecutorService pool) {
        return guests.stream().map(g -> CompletableFuture.supplyAsync(() -> {
            long deadline = t0 + Duration.ofSeconds(300).toNanos();
            while (System.nanoTime() < deadline) {
                if (g.served()) {
                    return (System.nanoTime() - t0) / 1e9;
                }
                Outside.sleep(100);
            }
            throw new IllegalStateException("guest " + g.ip() + " not served within 300 s (lease "
                    + g.probe().renewLease(g.ip()) + ", SNAT source " + g.probe().sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT) + ")");
        }, pool)).toList().stream().map(CompletableFuture::join).toList();
    }
}
