package io.vrouter.tools.bench;

import io.vrouter.client.ApiClient;
import io.vrouter.server.hostfailure.HostFailureSettings;
import io.vrouter.server.hypervisor.simulator.SimulatorHypervisor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 16: a host dies with its routers. On the Simulator (three hosts, routers' agents real and in-process), for
 * each size: that many guest L3s get their router on host A and a guest on host B; host A is powered off, and the
 * benchmark times, from the power-off, until the host is confirmed dead (recorded Disconnected) and until every one
 * of its routers is Running and Connected on another host, re-created with its nics and fully synced. The baseline
 * of the same run: creating those routers in the first place (first VM of each L3, all at once). Host A is then
 * powered on again and reconnected (what it held is gone) before the next run.
 */
final class DeadHostBench {
    private final List<Integer> sizes;
    private final int runs;
    private final int confirmSeconds;
    private final int probeSeconds;
    private final String dbUrl;
    private final PrintStream out;
    private int l3Count;

    DeadHostBench(List<Integer> sizes, int runs, int confirmSeconds, int probeSeconds, String dbUrl, PrintStream out) {
        this.sizes = sizes;
        this.runs = runs;
        this.confirmSeconds = confirmSeconds;
        this.probeSeconds = probeSeconds;
        this.dbUrl = dbUrl;
        this.out = out;
    }

    private record World(String zone, String cluster, String hostA, String hostB, String hostC, String provider,
                         String userImage, String userOffering) {
    }

    void run() {
        out.printf("deadhost benchmark: routers per dead host %s, %d run(s) each, hostFailure/confirm.time %d s, probe.interval %d s%n",
                sizes, runs, confirmSeconds, probeSeconds);
        ResultTable table = new ResultTable("routers", "run", "create s (baseline)", "confirmed dead s", "first back s",
                "all back s", "re-creation s", "re-creation / creation");
        try (BenchNode node = BenchNode.start(dbUrl)) {
            out.println("database: " + node.database());
            var configs = node.node().globalConfigs();
            configs.update(HostFailureSettings.CATEGORY, HostFailureSettings.CONFIRM_TIME, String.valueOf(confirmSeconds));
            configs.update(HostFailureSettings.CATEGORY, HostFailureSettings.PROBE_INTERVAL, String.valueOf(probeSeconds));
            ApiClient api = node.api();
            World w = setup(api);
            SimulatorHypervisor simulator = node.node().simulator();
            for (int size : sizes) {
                for (int run = 1; run <= runs; run++) {
                    List<String> routers = new ArrayList<>();
                    double create = routersOn(api, w, size, routers);
                    long t0 = System.nanoTime();
                    simulator.powerOff(w.hostA());
                    double confirmed = -1;
                    double first = -1;
                    double all;
                    while (true) {
                        double now = seconds(t0);
                        if (confirmed < 0 && "Disconnected".equals(node.node().hosts().find(w.hostA()).orElseThrow().status())) {
                            confirmed = now;
                        }
                        long back = routers.stream().filter(vr -> backElsewhere(api, vr, w.hostA())).count();
                        if (back > 0 && first < 0) {
                            first = now;
                        }
                        if (back == routers.size()) {
                            all = now;
                            break;
                        }
                        if (now > 120) {
                            throw new IllegalStateException("only " + back + " of " + size + " routers came back within 120 s");
                        }
                        sleep(20);
                    }
                    table.row(size, run, create, confirmed, first, all, all - confirmed, (all - confirmed) / create);
                    out.printf("%d router(s), run %d: confirmed dead after %.2f s, all back after %.2f s%n", size, run, confirmed, all);
                    simulator.recover(w.hostA());
                    long r = System.nanoTime();
                    while (!"Connected".equals(node.node().hosts().find(w.hostA()).orElseThrow().status())) {
                        if (seconds(r) > 60) {
                            throw new IllegalStateException("host A did not reconnect within 60 s");
                        }
                        sleep(50);
                    }
                }
            }
        }
        out.println();
        table.print(out);
        out.println("(confirmed dead: the host's agent and data plane silent for confirm.time, seen at the next probe;"
                + " all back: Running and Connected on host B or C, re-created with the same nics and fully synced)");
    }

    private static boolean backElsewhere(ApiClient api, String vr, String deadHost) {
        var r = api.query("QueryVirtualRouterVm", 1, "uuid", "=", vr).get(0);
        return !deadHost.equals(r.path("hostUuid").asText()) && "Running".equals(r.path("state").asText())
                && "Connected".equals(r.path("status").asText());
    }

    /** {@code size} new guest L3s whose routers run on host A, each with a guest on host B; returns the creation's seconds. */
    private double routersOn(ApiClient api, World w, int size, List<String> routers) {
        List<String> l3s = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            l3s.add(guestL3(api, w, l3Count++));
        }
        only(api, w, w.hostA());
        long t = System.nanoTime();
        List<String> failures = Parallel.run(size, size, out, i -> vm(api, w, l3s.get(i), "a"));
        double seconds = seconds(t);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("router creation failed: " + failures.get(0));
        }
        only(api, w, w.hostB());
        Parallel.run(size, size, out, i -> vm(api, w, l3s.get(i), "b"));
        for (String h : List.of(w.hostA(), w.hostB(), w.hostC())) {
            api.ok("ChangeHostState", Map.of("uuid", h, "stateEvent", "enable"));
        }
        for (String l3 : l3s) {
            routers.add(api.query("QueryVirtualRouterVm", 1, "vmNics.l3NetworkUuid", "=", l3).get(0).path("uuid").asText());
        }
        return seconds;
    }

    private static void only(ApiClient api, World w, String host) {
        for (String h : List.of(w.hostA(), w.hostB(), w.hostC())) {
            api.ok("ChangeHostState", Map.of("uuid", h, "stateEvent", h.equals(host) ? "enable" : "disable"));
        }
    }

    private static void vm(ApiClient api, World w, String l3, String suffix) {
        api.ok("CreateVmInstance", Map.of("name", "deadhost-" + suffix, "instanceOfferingUuid", w.userOffering(),
                "imageUuid", w.userImage(), "l3NetworkUuids", List.of(l3)));
    }

    private World setup(ApiClient api) {
        String zone = api.create("CreateZone", "name", "deadhost-zone");
        String cluster = api.create("CreateCluster", "zoneUuid", zone, "name", "deadhost-cluster", "hypervisorType", "Simulator");
        String a = api.create("AddSimulatorHost", "clusterUuid", cluster, "name", "host-a", "managementIp", "127.0.1.1");
        String b = api.create("AddSimulatorHost", "clusterUuid", cluster, "name", "host-b", "managementIp", "127.0.1.2");
        String c = api.create("AddSimulatorHost", "clusterUuid", cluster, "name", "host-c", "managementIp", "127.0.1.3");
        String management = RoutersBench.systemL3(api, zone, cluster, "deadhost-mgmt", "eth0", "172.16.0.0/16");
        String publicL3 = RoutersBench.systemL3(api, zone, cluster, "deadhost-public", "eth1", "172.20.0.0/16");
        String vrImage = api.create("AddImage", "name", "deadhost-vr-image", "url", "http://images.invalid/vr.qcow2", "system", true);
        String provider = api.query("QueryNetworkServiceProvider", 1, "type", "=", "VirtualRouter").get(0).path("uuid").asText();
        api.create("CreateVirtualRouterOffering", "name", "deadhost-vr", "cpuNum", 1, "cpuSpeed", 1000, "memorySize", 1L << 30,
                "isDefault", true, "managementNetworkUuid", management, "publicNetworkUuid", publicL3, "zoneUuid", zone,
                "imageUuid", vrImage);
        String userImage = api.create("AddImage", "name", "deadhost-image", "url", "http://images.invalid/vm.qcow2", "format", "qcow2",
                "mediaType", "RootVolumeTemplate");
        String userOffering = api.create("CreateInstanceOffering", "name", "deadhost-small", "cpuNum", 1, "cpuSpeed", 1000,
                "memorySize", 1L << 30);
        return new World(zone, cluster, a, b, c, provider, userImage, userOffering);
    }

    private static String guestL3(ApiClient api, World w, int i) {
        String l2 = api.create("CreateL2VlanNetwork", "zoneUuid", w.zone(), "name", "deadhost-l2-" + i, "physicalInterface", "eth2",
                "vlan", 1 + i);
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", w.cluster()));
        String l3 = api.create("CreateL3Network", "l2NetworkUuid", l2, "name", "deadhost-guest-" + i);
        api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "deadhost-range-" + i,
                "networkCidr", "10." + (i >> 8) + "." + (i & 0xff) + ".0/24"));
        for (String dns : List.of("8.8.8.8", "1.1.1.1")) {
            api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", dns));
        }
        api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3,
                "networkServices", Map.of(w.provider(), List.of("DHCP", "DNS", "SNAT"))));
        return l3;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
