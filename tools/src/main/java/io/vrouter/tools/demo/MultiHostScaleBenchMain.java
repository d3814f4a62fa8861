package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.lab.MultiHostLab;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./vrouter bench multihost-scale [--hosts 20] [--routers 20] [--vms 200]}, as root: a {@link MultiHostLab} of H
 * hosts (each a namespace with its own host agent process, all offering the same memory so that the allocator
 * spreads), R guest L3s each with its router and V/R guests, created through the API 4 at a time; then the management
 * node is stopped and a new one started on the same database and data directory, and the time until it has every host
 * Connected and every router Connected again (reconnected and fully re-synced) is measured. Everything runs in
 * namespaces of the lab, removed at the end.
 */
@Command(name = "vrouter bench multihost-scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = "As root: H hosts, R routers, V VMs through the API: creation rate, and a new node's time to reconnect all.")
public final class MultiHostScaleBenchMain implements Callable<Integer> {
    @Option(names = "--hosts", paramLabel = "H", description = "hosts (default: ${DEFAULT-VALUE})")
    private int hosts = 20;

    @Option(names = "--routers", paramLabel = "R", description = "guest L3s, one router each (default: ${DEFAULT-VALUE})")
    private int routers = 20;

    @Option(names = "--vms", paramLabel = "V", description = "guests, spread over the L3s (default: ${DEFAULT-VALUE})")
    private int vms = 200;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MultiHostScaleBenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (LabBench.cannotRunLab("multihost-scale")) {
            return 1;
        }
        try (LabBench bench = LabBench.open("vrouter-multihost-scale-")) {
            ApiClient api = bench.startNode();
            long t0 = System.nanoTime();
            MultiHostWorld world = bench.world(api, 0);
            for (int i = 0; i < hosts; i++) {
                world.addHost(64L << 30);
            }
            System.out.printf("%d hosts (one host agent JVM each) added and the seed built in %d ms%n", hosts, ms(t0));

            List<String> l3s = new ArrayList<>();
            for (int i = 0; i < routers; i++) {
                String l3 = api.create("CreateL3Network", "l2NetworkUuid", world.guestL2, "name", "scale-" + i, "system", false);
                api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "r", "networkCidr", "10.220." + i + ".0/24"));
                api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", SeedWorld.OUTSIDE_IP));
                api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3, "networkServices",
                        Map.of(world.providerUuid, List.of("DHCP", "DNS", "SNAT"))));
                l3s.add(l3);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            MultiHostWorld w = world;
            long c0 = System.nanoTime();
            List<Future<JsonNode>> created = new ArrayList<>();
            for (int i = 0; i < vms; i++) {
                String name = "scale-vm-" + i;
                String l3 = l3s.get(i % l3s.size());
                created.add(pool.submit(() -> w.api.inventory("CreateVmInstance", "name", name, "instanceOfferingUuid", w.userOffering,
                        "imageUuid", w.userImage, "l3NetworkUuids", List.of(l3))));
            }
            Map<String, Integer> perHost = new TreeMap<>();
            for (Future<JsonNode> f : created) {
                perHost.merge(world.hostName(f.get().get("hostUuid").asText()), 1, Integer::sum);
            }
            long createMs = ms(c0);
            pool.shutdown();
            Map<String, Integer> routersPerHost = new TreeMap<>();
            for (JsonNode r : api.query("QueryVirtualRouterVm")) {
                routersPerHost.merge(world.hostName(r.get("hostUuid").asText()), 1, Integer::sum);
            }
            System.out.printf("%d guests on %d L3s (their %d routers created with the first guest of each) Running in %d ms = %.2f VMs/s%n",
                    vms, routers, routers, createMs, vms * 1000.0 / createMs);
            System.out.println("  guests per host " + perHost + "; routers per host " + routersPerHost);

            // a new management node on the same database: the old one stops cleanly, hosts and routers run on
            bench.stopNode();
            long r0 = System.nanoTime();
            ApiClient api2 = bench.startNode();
            long started = ms(r0);
            long hostsConnected = -1;
            long routersConnected = -1;
            long deadline = System.nanoTime() + java.time.Duration.ofMinutes(15).toNanos();
            while (System.nanoTime() < deadline && (hostsConnected < 0 || routersConnected < 0)) {
                if (hostsConnected < 0 && api2.query("QueryHost").stream().allMatch(h -> h.get("status").asText().equals("Connected"))) {
                    hostsConnected = ms(r0);
                }
                List<JsonNode> vrs = api2.query("QueryVirtualRouterVm");
                if (routersConnected < 0 && vrs.size() == routers && vrs.stream().allMatch(r -> r.get("status").asText().equals("Connected"))) {
                    routersConnected = ms(r0);
                }
                Thread.sleep(100);
            }
            System.out.printf("new management node: started (hosts reconciled) in %d ms; every host Connected at %d ms; every router"
                    + " reconnected and re-synced (Connected) at %d ms%n", started, hostsConnected, routersConnected);
            return 0;
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
