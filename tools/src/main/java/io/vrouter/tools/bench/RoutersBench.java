package io.vrouter.tools.bench;

import io.vrouter.client.ApiClient;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.http.InProcessAgentHost;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.vrouter.DesiredRouterState;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Issue 5's scale benchmark: {@code --l3s} guest L3 networks, each with DHCP, DNS and SNAT from the virtual router
 * provider and {@code --vms} user VMs, so as many virtual routers as L3s (Simulator backend: each router's agent
 * is the real agent with a recording dataplane, in-process over HTTP). Times their creation; then closes the node
 * and starts a new one on the same data, which adopts the running VMs with agents that come back empty, and times
 * until every router is Connected again with its agent fully re-synced; then the heap.
 */
final class RoutersBench {
    private static final List<String> DNS = List.of("8.8.8.8", "1.1.1.1", "9.9.9.9");

    private final int l3s;
    private final int vmsPerL3;
    private final int threads;
    private final int waitSeconds;
    private final String dbUrl;
    private final PrintStream out;

    RoutersBench(int l3s, int vmsPerL3, int threads, int waitSeconds, String dbUrl, PrintStream out) {
        this.l3s = l3s;
        this.vmsPerL3 = vmsPerL3;
        this.threads = threads;
        this.waitSeconds = waitSeconds;
        this.dbUrl = dbUrl;
        this.out = out;
    }

    private record Setup(String zone, String cluster, String provider, String userImage, String userOffering, List<String> guests) {
    }

    void run() {
        out.printf("routers benchmark: %,d guest L3s x %d VMs (%,d user VMs, %,d virtual routers), %d client threads%n",
                l3s, vmsPerL3, l3s * vmsPerL3, l3s, threads);
        ResultTable table = new ResultTable("phase", "count", "seconds", "per second", "notes");
        try (BenchNode node = BenchNode.start(dbUrl)) {
            out.println("database: " + node.database());
            ApiClient api = node.api();

            long t = System.nanoTime();
            Setup setup = setup(api);
            double setupSeconds = seconds(t);
            table.row("setup: guest L2+L3, range, 3 DNS, DHCP/DNS/SNAT (API)", l3s, setupSeconds, l3s / setupSeconds, "8 API calls per L3");
            out.printf("setup done in %.1f s%n", setupSeconds);

            t = System.nanoTime();
            List<String> failures = parallel(l3s, i -> createVm(api, setup, i, 0));
            double firstSeconds = seconds(t);
            table.row("first VM of each L3 (creates and connects its VR)", l3s, firstSeconds, l3s / firstSeconds, failureNote(failures));
            out.printf("first VMs (and routers) done in %.1f s, %d failed%n", firstSeconds, failures.size());

            t = System.nanoTime();
            int rest = l3s * (vmsPerL3 - 1);
            // VM-major order: the client threads spread over all routers, as independent tenants would
            failures = parallel(rest, k -> createVm(api, setup, k % l3s, 1 + k / l3s));
            double restSeconds = seconds(t);
            if (rest > 0) {
                table.row("the other VMs (router exists: DHCP/DNS/SNAT pushes)", rest, restSeconds, rest / restSeconds, failureNote(failures));
            }
            double total = firstSeconds + restSeconds;
            table.row("all user VMs and routers", l3s * vmsPerL3, total, l3s * vmsPerL3 / total, "excludes setup");
            out.printf("other VMs done in %.1f s, %d failed%n", restSeconds, failures.size());

            List<String> routers = routerUuids(api);
            explainSyncReads(node.node(), routers.get(0));
            long connected = api.count("QueryVirtualRouterVm", "status", "=", "Connected");
            int inSyncBefore = countInSync(node, routers);
            out.printf("before restart: %d routers, %d Connected, %d in sync with the database%n", routers.size(), connected, inSyncBefore);
            long heapBefore = usedHeapAfterGc();

            // ---- restart: same data dir, fresh Simulator whose agents come back empty
            t = System.nanoTime();
            node.stop();
            double stopSeconds = seconds(t);
            usedHeapAfterGc(); // the old node's garbage goes before the clock starts
            t = System.nanoTime();
            node.boot();
            double bootSeconds = seconds(t);
            // the session survives the restart (it is in the database): no login inside the timed part
            Reconnect reconnect = awaitResync(node.agents(), api.at(node.url()), routers, t);
            int inSyncAfter = countInSync(node, routers);
            long heapAfter = usedHeapAfterGc();
            long committed = Runtime.getRuntime().totalMemory();

            table.row("restart: close the old node", 1, stopSeconds, "-", "");
            table.row("restart: new node constructed and started (API up)", 1, bootSeconds, "-", "adopts running VMs, queues reconnects");
            table.row("restart: all routers Connected and re-synced", reconnect.done(), reconnect.seconds(),
                    reconnect.done() / reconnect.seconds(), reconnect.done() == routers.size()
                            ? "goal < 60 s: " + (reconnect.seconds() < 60 ? "met" : "MISSED")
                            : "only " + reconnect.done() + " of " + routers.size() + " within " + waitSeconds + " s: " + reconnect.statuses());
            out.println();
            table.print(out);
            out.println();
            new ResultTable("measure", "value")
                    .row("routers", routers.size())
                    .row("in sync before restart", inSyncBefore + " / " + routers.size())
                    .row("in sync after restart", inSyncAfter + " / " + routers.size())
                    .row("first router re-synced after s", reconnect.firstSeconds())
                    .row("used heap after System.gc(), before restart", (heapBefore >> 20) + " MiB")
                    .row("used heap after System.gc(), after re-sync", (heapAfter >> 20) + " MiB")
                    .row("committed heap / max heap", (committed >> 20) + " / " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB")
                    .row("live threads", ManagementFactory.getThreadMXBean().getThreadCount())
                    .print(out);
            out.println("(the heap is the whole benchmark JVM: the management node, plus the Simulator's in-process agents and"
                    + " their recorded dataplanes, plus this client)");
        }
    }

    // ---------------------------------------------------------------- setup through the API

    private Setup setup(ApiClient api) {
        String zone = api.create("CreateZone", "name", "bench-zone");
        String cluster = api.create("CreateCluster", "zoneUuid", zone, "name", "bench-cluster", "hypervisorType", "Simulator");
        api.create("AddSimulatorHost", "clusterUuid", cluster, "name", "bench-host", "managementIp", "127.0.0.2");
        String management = systemL3(api, zone, cluster, "bench-mgmt", "eth0", "172.16.0.0/16");
        String publicL3 = systemL3(api, zone, cluster, "bench-public", "eth1", "172.20.0.0/16");
        String vrImage = api.create("AddImage", "name", "bench-vr-image", "url", "http://images.invalid/vr.qcow2", "system", true);
        String provider = api.query("QueryNetworkServiceProvider", 1, "type", "=", "VirtualRouter").get(0).path("uuid").asText();
        api.create("CreateVirtualRouterOffering", "name", "bench-vr", "cpuNum", 1, "cpuSpeed", 1000, "memorySize", 1L << 30,
                "isDefault", true, "managementNetworkUuid", management, "publicNetworkUuid", publicL3, "zoneUuid", zone,
                "imageUuid", vrImage);
        String userImage = api.create("AddImage", "name", "bench-image", "url", "http://images.invalid/vm.qcow2", "format", "qcow2",
                "mediaType", "RootVolumeTemplate");
        String userOffering = api.create("CreateInstanceOffering", "name", "bench-small", "cpuNum", 1, "cpuSpeed", 1000,
                "memorySize", 1L << 30);
        String[] guests = new String[l3s];
        List<String> failures = parallel(l3s, i -> {
            String l2 = api.create("CreateL2VlanNetwork", "zoneUuid", zone, "name", "bench-guest-l2-" + i, "physicalInterface", "eth2",
                    "vlan", 1 + i);
            api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", cluster));
            String l3 = api.create("CreateL3Network", "l2NetworkUuid", l2, "name", "bench-guest-" + i);
            api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "bench-guest-range-" + i,
                    "networkCidr", "10." + (i >> 8) + "." + (i & 0xff) + ".0/24"));
            for (String dns : DNS) {
                api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", dns));
            }
            api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3,
                    "networkServices", Map.of(provider, List.of("DHCP", "DNS", "SNAT"))));
            guests[i] = l3;
        });
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " guest L3s could not be set up; first: " + failures.get(0));
        }
        return new Setup(zone, cluster, provider, userImage, userOffering, List.of(guests));
    }

    static String systemL3(ApiClient api, String zone, String cluster, String name, String nic, String cidr) {
        String l2 = api.create("CreateL2NoVlanNetwork", "zoneUuid", zone, "name", name + "-l2", "physicalInterface", nic);
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", cluster));
        String l3 = api.create("CreateL3Network", "l2NetworkUuid", l2, "name", name, "system", true);
        api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", name + "-range", "networkCidr", cidr));
        return l3;
    }

    private static void createVm(ApiClient api, Setup setup, int l3Index, int vmIndex) {
        api.ok("CreateVmInstance", Map.of("name", "bench-vm-" + l3Index + "-" + vmIndex, "instanceOfferingUuid", setup.userOffering(),
                "imageUuid", setup.userImage(), "l3NetworkUuids", List.of(setup.guests().get(l3Index))));
    }

    /** Runs {@code count} tasks on the client threads; returns the failures' messages (the benchmark goes on). */
    private List<String> parallel(int count, IntConsumer task) {
        return Parallel.run(count, threads, out, task);
    }

    static String failureNote(List<String> failures) {
        if (failures.isEmpty()) {
            return "all succeeded";
        }
        String first = failures.get(0);
        return failures.size() + " FAILED, first: " + (first.length() > 300 ? first.substring(0, 300) + "..." : first);
    }

    // ---------------------------------------------------------------- restart

    private List<String> routerUuids(ApiClient api) {
        List<String> uuids = new ArrayList<>();
        api.ok("QueryVirtualRouterVm", Map.of("limit", l3s + 100, "fields", List.of("uuid"))).path("inventories")
                .forEach(r -> uuids.add(r.path("uuid").asText()));
        return uuids;
    }

    /** How the wait for re-sync ended. */
    private record Reconnect(int done, double seconds, double firstSeconds, Map<String, Integer> statuses) {
    }

    /**
     * Polls until every router is re-synced: its new agent has applied something (so this node's connect began, and
     * set the router Connecting first) and, read after that, the database says Connected (so that connect finished
     * the whole sync). Reading in this order is what makes a Connected status left over from before the restart not
     * count.
     */
    private Reconnect awaitResync(InProcessAgentHost agents, ApiClient api, List<String> routers, long startNanos) {
        Set<String> done = new HashSet<>();
        double first = -1;
        long deadline = startNanos + TimeUnit.SECONDS.toNanos(waitSeconds);
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Map<String, Integer> statuses = new TreeMap<>();
        while (true) {
            Set<String> applied = new HashSet<>();
            for (String r : routers) {
                if (!done.contains(r) && agents.dataplane(r).map(RecordingDataplane::applyCount).orElse(0) > 0) {
                    applied.add(r);
                }
            }
            Map<String, String> status = new HashMap<>();
            api.ok("QueryVirtualRouterVm", Map.of("limit", l3s + 100, "fields", List.of("uuid", "status"))).path("inventories")
                    .forEach(r -> status.put(r.path("uuid").asText(), r.path("status").asText()));
            for (String r : applied) {
                if ("Connected".equals(status.get(r))) {
                    done.add(r);
                }
            }
            double elapsed = seconds(startNanos);
            if (first < 0 && !done.isEmpty()) {
                first = elapsed;
            }
            statuses.clear();
            status.values().forEach(s -> statuses.merge(s, 1, Integer::sum));
            if (done.size() == routers.size() || System.nanoTime() > deadline) {
                return new Reconnect(done.size(), elapsed, first, statuses);
            }
            if (System.nanoTime() > nextReport) {
                out.printf("  %.0f s after restart: %d / %d re-synced; statuses %s%n", elapsed, done.size(), routers.size(), statuses);
                nextReport += TimeUnit.SECONDS.toNanos(5);
            }
            sleep(100);
        }
    }

    // ---------------------------------------------------------------- what a full sync reads

    /**
     * Records the statements one router's desired state (what every connect and Reconnect computes) runs, on this
     * thread only, and prints each distinct one with how often it ran and its {@code EXPLAIN ANALYZE}.
     */
    private void explainSyncReads(ManagementNode node, String vrUuid) {
        Thread me = Thread.currentThread();
        Map<String, org.jooq.Query> bySql = new java.util.LinkedHashMap<>();
        Map<String, Integer> times = new java.util.LinkedHashMap<>();
        org.jooq.ExecuteListener recorder = new org.jooq.ExecuteListener() {
            @Override
            public void executeStart(org.jooq.ExecuteContext ctx) {
                if (Thread.currentThread() == me && ctx.query() != null) {
                    bySql.putIfAbsent(ctx.sql(), ctx.query());
                    times.merge(ctx.sql(), 1, Integer::sum);
                }
            }
        };
        org.jooq.DSLContext dsl = node.database().dsl();
        org.jooq.ExecuteListenerProvider[] before = dsl.configuration().executeListenerProviders();
        org.jooq.ExecuteListenerProvider[] with = java.util.Arrays.copyOf(before, before.length + 1);
        with[before.length] = new org.jooq.impl.DefaultExecuteListenerProvider(recorder);
        dsl.configuration().set(with);
        try {
            node.virtualRouters().desiredStateOf(vrUuid);
        } finally {
            dsl.configuration().set(before);
        }
        out.println("Statements of one router's full sync state (DesiredRouterState.of), with EXPLAIN ANALYZE:");
        bySql.forEach((sql, query) -> {
            String inlined = dsl.renderInlined(query);
            out.println("  x" + times.get(sql) + "  " + QueryBench.abbreviateInLists(inlined));
            for (org.jooq.Record r : dsl.fetch("EXPLAIN ANALYZE " + inlined)) {
                for (Object v : r.intoArray()) {
                    for (String line : String.valueOf(v).split("\n")) {
                        if (line.contains("/*") || line.contains("scanCount") || line.trim().startsWith("FROM")
                                || line.trim().startsWith("INNER JOIN") || line.trim().startsWith("WHERE") || line.contains("->")) {
                            out.println("      " + line.trim());
                        }
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- consistency and memory

    private int countInSync(BenchNode node, List<String> routers) {
        int n = 0;
        String firstMismatch = null;
        for (String r : routers) {
            Optional<String> mismatch = mismatch(node, r);
            if (mismatch.isEmpty()) {
                n++;
            } else if (firstMismatch == null) {
                firstMismatch = mismatch.get();
            }
        }
        if (firstMismatch != null) {
            out.println("  first router out of sync: " + firstMismatch);
        }
        return n;
    }

    /** What differs between a router agent's applied state and what the database implies, or empty. */
    static Optional<String> mismatch(BenchNode node, String vrUuid) {
        DesiredRouterState.State want = node.node().virtualRouters().desiredStateOf(vrUuid);
        Optional<RecordingDataplane> dataplane = node.agents().dataplane(vrUuid);
        if (dataplane.isEmpty()) {
            return Optional.of(vrUuid + " has no agent");
        }
        DesiredState have = dataplane.get().appliedState();
        List<String> parts = new ArrayList<>();
        compare(parts, "nics", have.nics().values(), want.nics());
        if (!have.dns().equals(want.dns())) {
            parts.add("dns " + have.dns() + " != " + want.dns());
        }
        compare(parts, "dhcp", have.dhcp().values(), want.dhcp());
        compare(parts, "snat", have.snats().values(), want.snats());
        compare(parts, "vips", have.vips().values(), want.vips());
        compare(parts, "eips", have.eips().values(), want.eips());
        compare(parts, "port forwarding", have.portForwardings().values(), want.portForwardings());
        return parts.isEmpty() ? Optional.empty() : Optional.of(vrUuid + ": " + String.join("; ", parts));
    }

    private static void compare(List<String> parts, String what, Collection<?> have, Collection<?> want) {
        if (have.size() != want.size() || !new HashSet<>(have).equals(new HashSet<>(want))) {
            parts.add(what + ": agent has " + have.size() + ", database implies " + want.size());
        }
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
