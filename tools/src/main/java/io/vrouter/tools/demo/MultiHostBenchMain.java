package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.lab.MultiHostLab;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./vrouter bench multihost [--hosts H] [--fresh N] [--existing M] [--burst B]}, as root: a {@link MultiHostLab}
 * of H hosts (each a namespace with its own host agent process) and a management node that reaches them over the
 * management underlay; through the API only:
 * <ul>
 *   <li>CreateVmInstance -> the guest holds its DHCP lease, on N fresh guest L3s (the router is created with the
 *   first guest, on whichever host the allocator picks) and for M guests on an L3 whose router exists, each on a
 *   host other than its router's;</li>
 *   <li>the creation rate of B guests created 4 at a time on that L3, spread over the hosts by the allocator.</li>
 * </ul>
 * Everything runs in namespaces of the lab, removed at the end.
 */
@Command(name = "vrouter bench multihost", mixinStandardHelpOptions = true, sortOptions = false,
        description = "As root: VM create -> DHCP lease across hosts, and the creation rate, on hosts played by namespaces.")
public final class MultiHostBenchMain implements Callable<Integer> {
    @Option(names = "--hosts", paramLabel = "H", description = "hosts (default: ${DEFAULT-VALUE})")
    private int hosts = 3;

    @Option(names = "--fresh", paramLabel = "N", description = "guest L3s whose router is created with the guest (default: ${DEFAULT-VALUE})")
    private int fresh = 3;

    @Option(names = "--existing", paramLabel = "M", description = "guests on an L3 whose router exists (default: ${DEFAULT-VALUE})")
    private int existing = 5;

    @Option(names = "--burst", paramLabel = "B", description = "guests created 4 at a time for the rate (default: ${DEFAULT-VALUE})")
    private int burst = 12;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MultiHostBenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (LabBench.cannotRunLab("multihost")) {
            return 1;
        }
        try (LabBench bench = LabBench.open("vrouter-multihost-bench-")) {
            ApiClient api = bench.startNode();
            long t0 = System.nanoTime();
            MultiHostWorld world = bench.world(api, hosts);
            System.out.printf("%d hosts added and the seed built in %d ms (L2s: %s)%n", hosts, ms(t0),
                    world.vlans ? "VLAN guest and management" : "no-VLAN, one interface each (no VLAN devices here)");

            List<Long> freshMs = new ArrayList<>();
            for (int i = 0; i < fresh; i++) {
                String l3 = api.create("CreateL3Network", "l2NetworkUuid", world.guestL2, "name", "fresh-" + i, "system", false);
                api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "r", "networkCidr", "10.210." + i + ".0/24"));
                api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", SeedWorld.OUTSIDE_IP));
                api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3, "networkServices",
                        Map.of(world.providerUuid, List.of("DHCP", "DNS", "SNAT"))));
                freshMs.add(leaseTime(world, l3, world.host(1 + (i % hosts)), "fresh-" + i));
            }
            JsonNode router = world.routersOn(world.guestL3).isEmpty() ? null : world.routersOn(world.guestL3).get(0);
            if (router == null) {
                world.guestOn("warm", world.host(1)); // the guest L3's router
                router = world.routersOn(world.guestL3).get(0);
            }
            String routerHost = router.get("hostUuid").asText();
            List<String> others = world.hosts().stream().filter(h -> !h.equals(routerHost)).toList();
            List<Long> existingMs = new ArrayList<>();
            for (int i = 0; i < existing; i++) {
                existingMs.add(leaseTime(world, world.guestL3, others.get(i % others.size()), "existing-" + i));
            }
            System.out.println("create -> lease, fresh L3 (router created): " + stats(freshMs));
            System.out.println("   of which the CreateVmInstance call: " + stats(freshCallMs));
            System.out.println("create -> lease, L3 with a router on another host: " + stats(existingMs));
            System.out.println("   of which the CreateVmInstance call: " + stats(existingCallMs));

            ExecutorService pool = Executors.newFixedThreadPool(4);
            long b0 = System.nanoTime();
            List<Future<JsonNode>> created = new ArrayList<>();
            MultiHostWorld w = world;
            for (int i = 0; i < burst; i++) {
                String name = "burst-" + i;
                created.add(pool.submit(() -> w.api.inventory("CreateVmInstance", "name", name, "instanceOfferingUuid", w.userOffering,
                        "imageUuid", w.userImage, "l3NetworkUuids", List.of(w.guestL3))));
            }
            Map<String, Integer> perHost = new java.util.TreeMap<>();
            for (Future<JsonNode> f : created) {
                perHost.merge(world.hostName(f.get().get("hostUuid").asText()), 1, Integer::sum);
            }
            long burstMs = ms(b0);
            pool.shutdown();
            System.out.printf("creation rate: %d guests (4 at a time) Running in %d ms = %.1f VMs/s; per host %s%n", burst, burstMs,
                    burst * 1000.0 / burstMs, perHost);
            return 0;
        }
    }

    /** How long each CreateVmInstance call of {@link #leaseTime} took (the rest is the guest's DHCP exchange). */
    private final List<Long> freshCallMs = new ArrayList<>();
    private final List<Long> existingCallMs = new ArrayList<>();

    /** Creates a guest on {@code l3} on {@code hostUuid} and returns the ms until it holds its lease. */
    private long leaseTime(MultiHostWorld world, String l3, String hostUuid, String name) {
        long t0 = System.nanoTime();
        JsonNode vm = world.api.inventory("CreateVmInstance", "name", name, "instanceOfferingUuid", world.userOffering,
                "imageUuid", world.userImage, "l3NetworkUuids", List.of(l3), "hostUuid", hostUuid);
        (name.startsWith("fresh") ? freshCallMs : existingCallMs).add(ms(t0));
        String ip = SeedWorld.ipOn(vm, l3);
        GuestProbe probe = world.probe(vm);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (ip.equals(probe.address())) {
                return ms(t0);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException(name + " got no lease within 60 s");
    }

    private static String stats(List<Long> ms) {
        List<Long> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return "median " + sorted.get(sorted.size() / 2) + " ms, min " + sorted.get(0) + ", max " + sorted.get(sorted.size() - 1)
                + " " + ms;
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
