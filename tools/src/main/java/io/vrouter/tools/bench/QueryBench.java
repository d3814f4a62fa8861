package io.vrouter.tools.bench;

import io.vrouter.client.ApiReply;
import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.api.QueryCondition;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.server.query.QueryEngine;
import io.vrouter.server.query.QueryRequest;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Issue 3's query benchmark: {@code --vms} VMs (each with one nic, its used IP and a root volume) bulk-inserted
 * with jOOQ batches into the node's database, then timed through the real HTTP API: a nested condition on the nic
 * IP, a page of 1,000 inventories with their nics and volumes, and counts on the name. Prints the plans of the SQL
 * the query engine generated for each, so the indexes that make the numbers are visible.
 */
final class QueryBench {
    private static final String NAME_FORMAT = "bench-vm-%06d";
    /** A line of H2's plan that only names a selected column: left out, the plan is about access paths. */
    private static final java.util.regex.Pattern SELECTED_COLUMN = java.util.regex.Pattern.compile("\\s+\"T\\d\"\\.\"[A-Z0-9_]+\",?");

    private final int vms;
    private final int runs;
    private final int pageRuns;
    private final int warmup;
    private final int batch;
    private final long seed;
    private final String dbUrl;
    private final PrintStream out;

    QueryBench(int vms, int runs, int pageRuns, int warmup, int batch, long seed, String dbUrl, PrintStream out) {
        this.vms = vms;
        this.runs = runs;
        this.pageRuns = pageRuns;
        this.warmup = warmup;
        this.batch = batch;
        this.seed = seed;
        this.dbUrl = dbUrl;
        this.out = out;
    }

    /** The infrastructure the VMs point at, created through the API. */
    private record Infra(String zone, String cluster, String host, String l3, String range, long firstIp, String netmask,
                         String gateway, String image, String offering) {
    }

    /** One timed query: how to call it (given the run's random source), what a correct reply looks like, its target. */
    private record Scenario(String name, Double targetMs, int runs, Function<Random, Call> call) {
    }

    /** One call of a scenario: the HTTP request, the same query for the engine (to explain), and its check. */
    private record Call(String api, Map<String, Object> params, String restPath, QueryRequest request,
                        java.util.function.Consumer<JsonNode> check) {
    }

    void run() {
        out.printf("query benchmark: %,d VMs, %d runs per query (%d for pages), %d warm-up runs%n", vms, runs, pageRuns, warmup);
        try (BenchNode node = BenchNode.start(dbUrl)) {
            out.println("database: " + node.database());
            ApiClient api = node.api();
            Infra infra = infrastructure(api);
            DSLContext dsl = node.node().database().dsl();
            long t0 = System.nanoTime();
            bulkInsert(dsl, infra);
            double insertSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            dsl.execute("ANALYZE");
            double analyzeSeconds = (System.nanoTime() - t1) / 1e9;
            out.printf("inserted %,d VMs with %,d rows (vm_instance, used_ip, vm_nic, volume) in %.1f s (%,.0f rows/s); ANALYZE %.1f s%n",
                    vms, 4L * vms, insertSeconds, 4.0 * vms / insertSeconds, analyzeSeconds);
            long counted = api.count("QueryVmInstance", "name", "like", "bench-vm-%");
            if (counted != vms) {
                throw new IllegalStateException("the API counts " + counted + " bench VMs, " + vms + " were inserted");
            }

            List<Scenario> scenarios = scenarios(infra);
            ResultTable table = new ResultTable("query", "runs", "median ms", "p95 ms", "p99 ms", "max ms", "target ms", "verdict");
            // one warm-up pass over every query first, so the first one timed does not pay for the JIT alone
            for (Scenario s : scenarios) {
                run(api, s, warmup, new Random(seed + 1));
            }
            for (Scenario s : scenarios) {
                Stats stats = time(api, s);
                table.row(s.name(), stats.count(), stats.median(), stats.p95(), stats.p99(), stats.max(),
                        s.targetMs() == null ? "-" : ResultTable.format(s.targetMs()),
                        s.targetMs() == null ? "-" : "median " + ResultTable.verdict(stats.median(), s.targetMs()));
            }
            out.println();
            table.print(out);
            out.println();
            explain(node, dsl, scenarios);
        }
    }

    // ---------------------------------------------------------------- setup

    private Infra infrastructure(ApiClient api) {
        String zone = api.create("CreateZone", "name", "bench-zone");
        String cluster = api.create("CreateCluster", "zoneUuid", zone, "name", "bench-cluster", "hypervisorType", "Simulator");
        String host = api.create("AddSimulatorHost", "clusterUuid", cluster, "name", "bench-host", "managementIp", "127.0.0.2");
        String l2 = api.create("CreateL2NoVlanNetwork", "zoneUuid", zone, "name", "bench-l2", "physicalInterface", "eth0");
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", cluster));
        String l3 = api.create("CreateL3Network", "l2NetworkUuid", l2, "name", "bench-l3");
        // the smallest subnet with room for every VM, the gateway and the broadcast address
        int prefix = 32 - (64 - Long.numberOfLeadingZeros(vms + 2L));
        String cidr = "10.0.0.0/" + prefix;
        JsonNode range = api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "bench-range", "networkCidr", cidr))
                .path("inventory");
        String image = api.create("AddImage", "name", "bench-image", "url", "http://images.invalid/vm.qcow2", "format", "qcow2",
                "mediaType", "RootVolumeTemplate");
        String offering = api.create("CreateInstanceOffering", "name", "bench-small", "cpuNum", 1, "cpuSpeed", 1000,
                "memorySize", 1L << 30);
        return new Infra(zone, cluster, host, l3, range.path("uuid").asText(), Ipv4.parse(range.path("startIp").asText()).value(),
                range.path("netmask").asText(), range.path("gateway").asText(), image, offering);
    }

    private static <T> Field<T> f(String column, Class<T> type) {
        return DSL.field(DSL.unquotedName(column), type);
    }

    private static Table<?> t(String name) {
        return DSL.table(DSL.unquotedName(name));
    }

    private static final List<Field<?>> VM_COLUMNS = List.of(f("uuid", String.class), f("name", String.class),
            f("zone_uuid", String.class), f("cluster_uuid", String.class), f("host_uuid", String.class),
            f("last_host_uuid", String.class), f("image_uuid", String.class), f("instance_offering_uuid", String.class),
            f("root_volume_uuid", String.class), f("default_l3_network_uuid", String.class), f("hypervisor_type", String.class),
            f("vm_type", String.class), f("state", String.class), f("cpu_num", Integer.class), f("cpu_speed", Long.class),
            f("memory_size", Long.class), f("allocator_strategy", String.class), f("platform", String.class),
            f("create_date", LocalDateTime.class), f("last_op_date", LocalDateTime.class));
    private static final List<Field<?>> USED_IP_COLUMNS = List.of(f("uuid", String.class), f("ip_range_uuid", String.class),
            f("l3_network_uuid", String.class), f("ip", String.class), f("ip_value", Long.class), f("gateway", String.class),
            f("netmask", String.class), f("used_for", String.class), f("create_date", LocalDateTime.class));
    private static final List<Field<?>> NIC_COLUMNS = List.of(f("uuid", String.class), f("vm_instance_uuid", String.class),
            f("l3_network_uuid", String.class), f("used_ip_uuid", String.class), f("ip", String.class), f("mac", String.class),
            f("netmask", String.class), f("gateway", String.class), f("device_id", Integer.class),
            f("create_date", LocalDateTime.class), f("last_op_date", LocalDateTime.class));
    private static final List<Field<?>> VOLUME_COLUMNS = List.of(f("uuid", String.class), f("name", String.class),
            f("description", String.class), f("vm_instance_uuid", String.class), f("root_image_uuid", String.class),
            f("volume_type", String.class), f("format", String.class), f("size", Long.class), f("device_id", Integer.class),
            f("state", String.class), f("status", String.class), f("create_date", LocalDateTime.class),
            f("last_op_date", LocalDateTime.class));

    /** The IP of bench VM {@code i}: the range's addresses in order. */
    private static String ipOf(Infra infra, int i) {
        return new Ipv4(infra.firstIp() + i).toString();
    }

    static String macOf(int i) {
        // fa: is ZStack's locally administered prefix; the VM number makes it unique
        return String.format("fa:be:%02x:%02x:%02x:%02x", (i >>> 24) & 0xff, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff);
    }

    private void bulkInsert(DSLContext dsl, Infra infra) {
        LocalDateTime base = LocalDateTime.of(2026, 1, 1, 0, 0);
        for (int from = 0; from < vms; from += batch) {
            int to = Math.min(vms, from + batch);
            int first = from;
            dsl.transaction(cfg -> {
                DSLContext tx = DSL.using(cfg);
                var vmBatch = tx.batch(insert(tx, "vm_instance", VM_COLUMNS));
                var ipBatch = tx.batch(insert(tx, "used_ip", USED_IP_COLUMNS));
                var nicBatch = tx.batch(insert(tx, "vm_nic", NIC_COLUMNS));
                var volumeBatch = tx.batch(insert(tx, "volume", VOLUME_COLUMNS));
                for (int i = first; i < to; i++) {
                    String vm = io.vrouter.server.db.Uuid.random();
                    String volume = io.vrouter.server.db.Uuid.random();
                    String usedIp = io.vrouter.server.db.Uuid.random();
                    String name = String.format(NAME_FORMAT, i);
                    String ip = ipOf(infra, i);
                    LocalDateTime created = base.plusSeconds(i);
                    vmBatch.bind(vm, name, infra.zone(), infra.cluster(), infra.host(), infra.host(), infra.image(),
                            infra.offering(), volume, infra.l3(), "Simulator", "UserVm", "Running", 1, 1000L, 1L << 30,
                            "DefaultHostAllocatorStrategy", "Linux", created, created);
                    ipBatch.bind(usedIp, infra.range(), infra.l3(), ip, infra.firstIp() + i, infra.gateway(), infra.netmask(),
                            "VmNic", created);
                    nicBatch.bind(io.vrouter.server.db.Uuid.random(), vm, infra.l3(), usedIp, ip, macOf(i), infra.netmask(),
                            infra.gateway(), 0, created, created);
                    volumeBatch.bind(volume, "ROOT-for-" + name, "Root volume for VM[uuid:" + vm + "]", vm, infra.image(),
                            "Root", "qcow2", 0L, 0, "Enabled", "Ready", created, created);
                }
                // parents first: the nic and volume rows reference the VM, the nic its used IP
                vmBatch.execute();
                ipBatch.execute();
                nicBatch.execute();
                volumeBatch.execute();
            });
            if ((to / batch) % 10 == 0 || to == vms) {
                out.printf("  inserted %,d / %,d VMs%n", to, vms);
            }
        }
    }

    private static Query insert(DSLContext tx, String table, List<Field<?>> columns) {
        return tx.insertInto(t(table)).columns(columns).values(Arrays.asList(new Object[columns.size()]));
    }

    // ---------------------------------------------------------------- the queries

    private List<Scenario> scenarios(Infra infra) {
        List<Scenario> list = new ArrayList<>();
        list.add(new Scenario("QueryVmInstance vmNics.ip=<ip>", 20.0, runs, random -> {
            String ip = ipOf(infra, random.nextInt(vms));
            return new Call("QueryVmInstance", Map.of("conditions", ApiClient.conditions("vmNics.ip", "=", ip)), null,
                    request(List.of(new QueryCondition("vmNics.ip", "=", ip)), 1000, 0, false, null, false),
                    body -> expectOneVmWithIp(body, ip));
        }));
        list.add(new Scenario("GET /v1/vm-instances?q=vmNics.ip=<ip>", 20.0, runs, random -> {
            String ip = ipOf(infra, random.nextInt(vms));
            return new Call(null, null, "/v1/vm-instances?q=" + URLEncoder.encode("vmNics.ip=" + ip, StandardCharsets.UTF_8),
                    null, body -> expectOneVmWithIp(body, ip));
        }));
        list.add(new Scenario("QueryVmInstance limit=1000 (first page)", 200.0, pageRuns, random ->
                new Call("QueryVmInstance", Map.of("limit", 1000), null, request(List.of(), 1000, 0, false, null, false),
                        body -> expectFullPage(body, 1000))));
        list.add(new Scenario("QueryVmInstance limit=1000 start=<random>", 200.0, pageRuns, random -> {
            int start = random.nextInt(vms - 1000);
            return new Call("QueryVmInstance", Map.of("limit", 1000, "start", start), null,
                    request(List.of(), 1000, start, false, null, false), body -> expectFullPage(body, 1000));
        }));
        list.add(new Scenario("QueryVmInstance limit=1000 sortBy=createDate desc", 200.0, pageRuns, random ->
                new Call("QueryVmInstance", Map.of("limit", 1000, "sortBy", "createDate", "sortDirection", "desc"), null,
                        request(List.of(), 1000, 0, false, "createDate", true), body -> expectFullPage(body, 1000))));
        list.add(new Scenario("QueryVmInstance count=true name=<name>", 50.0, runs, random -> {
            String name = String.format(NAME_FORMAT, random.nextInt(vms));
            return new Call("QueryVmInstance", Map.of("conditions", ApiClient.conditions("name", "=", name), "count", true), null,
                    request(List.of(new QueryCondition("name", "=", name)), 1000, 0, true, null, false),
                    body -> expectTotal(body, 1));
        }));
        // a prefix that matches up to 10,000 VMs (bench-vm-010000..019999): the count walks an index range, not one entry
        String prefix = "bench-vm-01%";
        long prefixMatches = java.util.stream.IntStream.range(0, vms).filter(i -> String.format(NAME_FORMAT, i).startsWith("bench-vm-01")).count();
        list.add(new Scenario("QueryVmInstance count=true name like '" + prefix + "'", 50.0, runs, random ->
                new Call("QueryVmInstance", Map.of("conditions", ApiClient.conditions("name", "like", prefix), "count", true), null,
                        request(List.of(new QueryCondition("name", "like", prefix)), 1000, 0, true, null, false),
                        body -> expectTotal(body, prefixMatches))));
        return list;
    }

    private static final java.util.regex.Pattern SELECT_LIST = java.util.regex.Pattern.compile("^select (t0\\.\\w+, )+t0\\.\\w+ from");
    private static final java.util.regex.Pattern UUID_LIST =
            java.util.regex.Pattern.compile("\\('([0-9a-f]{32})'((, '[0-9a-f]{32}')+)\\)");

    /** {@code IN ('a', 'b', ... 1000 uuids)} shown as {@code IN ('a', ... 1000 uuids)}: a plan, not a list, is the point. */
    static String abbreviateInLists(String sql) {
        java.util.regex.Matcher m = UUID_LIST.matcher(sql);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int n = 1 + m.group(2).length() / ", '0123456789abcdef0123456789abcdef'".length();
            m.appendReplacement(sb, "('" + m.group(1) + "', ... " + n + " uuids)");
        }
        m.appendTail(sb);
        // the select list of every column says nothing about the plan either
        return SELECT_LIST.matcher(sb).replaceFirst(r -> "select <" + (r.group().split(",").length) + " columns> from");
    }

    private static QueryRequest request(List<QueryCondition> conditions, int limit, int start, boolean count, String sortBy,
                                        boolean descending) {
        return new QueryRequest(conditions, limit, start, count, false, sortBy, descending, List.of());
    }

    private static void expectOneVmWithIp(JsonNode body, String ip) {
        JsonNode inventories = body.path("inventories");
        if (inventories.size() != 1 || !ip.equals(inventories.get(0).path("vmNics").path(0).path("ip").asText())) {
            throw new IllegalStateException("vmNics.ip=" + ip + " should find exactly the one VM with that IP: " + abbreviate(body));
        }
    }

    private static void expectFullPage(JsonNode body, int size) {
        JsonNode inventories = body.path("inventories");
        if (inventories.size() != size) {
            throw new IllegalStateException("expected a page of " + size + ", got " + inventories.size());
        }
        for (JsonNode vm : inventories) {
            if (vm.path("vmNics").size() != 1 || vm.path("allVolumes").size() != 1) {
                throw new IllegalStateException("every VM of the page should carry its nic and root volume: " + abbreviate(vm));
            }
        }
    }

    private static void expectTotal(JsonNode body, long total) {
        if (body.path("total").asLong(-1) != total) {
            throw new IllegalStateException("expected total " + total + ": " + abbreviate(body));
        }
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    /** Warm-up runs, then timed runs: the time from sending the request to having the whole body. */
    private Stats time(ApiClient api, Scenario s) {
        return Stats.ofNanos(run(api, s, warmup + s.runs(), new Random(seed)).subList(warmup, warmup + s.runs()));
    }

    /** {@code n} checked calls of a scenario; their times. */
    private static List<Long> run(ApiClient api, Scenario s, int n, Random random) {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Call call = s.call().apply(random);
            long start = System.nanoTime();
            ApiReply reply = call.api() != null ? api.call(call.api(), call.params()) : api.get(call.restPath());
            long elapsed = System.nanoTime() - start;
            if (!reply.ok()) {
                throw new IllegalStateException(s.name() + " failed with HTTP " + reply.status() + ": " + reply.raw());
            }
            call.check().accept(reply.body());
            samples.add(elapsed);
        }
        return samples;
    }

    // ---------------------------------------------------------------- plans

    /** Runs one call of each scenario through a query engine that records its SQL, and explains every statement. */
    private void explain(BenchNode node, DSLContext dsl, List<Scenario> scenarios) {
        List<Query> executed = new CopyOnWriteArrayList<>();
        ExecuteListener recorder = new ExecuteListener() {
            @Override
            public void executeStart(ExecuteContext ctx) {
                if (ctx.query() != null) {
                    executed.add(ctx.query());
                }
            }
        };
        DSLContext recording = DSL.using(dsl.configuration().deriveAppending(recorder));
        QueryEngine engine = new QueryEngine(recording, node.node().queryEngine().registry());
        String explain = "EXPLAIN ANALYZE "; // both H2 and PostgreSQL: the plan with the rows each step really read
        out.println("Plans of the SQL the query engine generates (" + explain.trim() + ", one representative call each):");
        for (Scenario s : scenarios) {
            Call call = s.call().apply(new Random(seed));
            if (call.request() == null) {
                continue; // the REST form compiles to the same query as the API form above it
            }
            executed.clear();
            engine.query("VmInstance", call.request());
            out.println();
            out.println("### " + s.name());
            for (Query q : executed) {
                String sql = dsl.renderInlined(q);
                String shown = abbreviateInLists(sql);
                out.println("SQL: " + shown);
                for (Record r : dsl.fetch(explain + sql)) {
                    for (Object v : r.intoArray()) {
                        for (String line : String.valueOf(v).split("\n")) {
                            if (!SELECTED_COLUMN.matcher(line).matches()) {
                                out.println("  " + abbreviateInLists(line));
                            }
                        }
                    }
                }
            }
        }
    }
}
