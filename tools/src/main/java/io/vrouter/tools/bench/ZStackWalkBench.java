package io.vrouter.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrouter.server.zstack.ZStackApis;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./vrouter bench zstack-walk}: the seed chapter's walk (zone to port forwarding, as the ZStack clients' tests
 * walk it) timed call by call through ZStack's RPC envelope, as zstack-cli sends it (values as text, the session in
 * the body, polling {@code /zstack/api/result} every 500 ms while not Done), next to the same walk over our own
 * {@code POST /v1/api}. Each round walks a new zone; the table shows each call's median and how many times the RPC
 * client had to poll. The point to check: no call that is done in under 100 ms ever waits on a poll.
 */
final class ZStackWalkBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MS = 500;

    private final int rounds;
    private final String db;
    private final PrintStream out;

    ZStackWalkBench(int rounds, String db, PrintStream out) {
        this.rounds = rounds;
        this.db = db;
        this.out = out;
    }

    /** Calls an API by name and returns its reply fields; each implementation times its own calls. */
    private interface Caller {
        JsonNode call(String step, String api, Map<String, Object> params);
    }

    /** One timed call: its step label, milliseconds and the polls it took. */
    private record Timing(String step, double millis, int polls) {
    }

    void run() {
        try (BenchNode node = BenchNode.start(db)) {
            out.printf("node on %s, %d rounds of the seed walk per protocol%n", node.database(), rounds);
            ZStackApis names = ZStackApis.of(node.node().catalogue());
            List<List<Timing>> rpcRounds = new ArrayList<>();
            List<List<Timing>> apiRounds = new ArrayList<>();
            // the first walk of each protocol warms the JIT and is not counted
            for (int round = 0; round <= rounds; round++) {
                List<Timing> rpc = new ArrayList<>();
                walk(new RpcCaller(node.url(), names, rpc), 100 + 2 * round);
                List<Timing> api = new ArrayList<>();
                walk(apiCaller(node.api(), api), 101 + 2 * round);
                if (round > 0) {
                    rpcRounds.add(rpc);
                    apiRounds.add(api);
                }
            }
            report(rpcRounds, apiRounds);
        }
    }

    // ---------------------------------------------------------------- the walk

    private static Map<String, Object> p(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String uuid(JsonNode reply) {
        return reply.get("inventory").get("uuid").asText();
    }

    private static void walk(Caller c, int octet) {
        String zone = uuid(c.call("CreateZone", "CreateZone", p("name", "walk-" + octet)));
        String cluster = uuid(c.call("CreateCluster", "CreateCluster", p("zoneUuid", zone, "name", "c", "hypervisorType", "Simulator")));
        c.call("AddSimulatorHost", "AddSimulatorHost", p("clusterUuid", cluster, "name", "h", "managementIp", "10.250." + octet + ".1"));
        String[] l3s = new String[3];
        String[] kinds = {"mgmt", "public", "guest"};
        for (int i = 0; i < 3; i++) {
            String net = i < 2 ? "172." + octet + "." + (i + 1) : "10." + octet + ".0";
            String l2 = uuid(c.call("CreateL2NoVlanNetwork " + kinds[i], "CreateL2NoVlanNetwork",
                    p("zoneUuid", zone, "name", kinds[i], "physicalInterface", "eth" + i)));
            c.call("AttachL2NetworkToCluster " + kinds[i], "AttachL2NetworkToCluster", p("l2NetworkUuid", l2, "clusterUuid", cluster));
            l3s[i] = uuid(c.call("CreateL3Network " + kinds[i], "CreateL3Network", p("l2NetworkUuid", l2, "name", kinds[i] + "-" + octet,
                    "system", i == 0)));
            c.call("AddIpRange " + kinds[i], "AddIpRange", p("l3NetworkUuid", l3s[i], "name", "r", "startIp", net + ".10",
                    "endIp", net + ".200", "netmask", "255.255.255.0", "gateway", net + ".1"));
        }
        c.call("AddDnsToL3Network", "AddDnsToL3Network", p("l3NetworkUuid", l3s[2], "dns", "8.8.8.8"));
        c.call("UpdateGlobalConfig", "UpdateGlobalConfig", p("category", "identity", "name", "session.timeout", "value", "7200"));
        String bs = uuid(c.call("AddSimulatorBackupStorage", "AddSimulatorBackupStorage", p("name", "bs", "url", "/bs")));
        c.call("AttachBackupStorageToZone", "AttachBackupStorageToZone", p("backupStorageUuid", bs, "zoneUuid", zone));
        String vrImage = uuid(c.call("AddImage vr", "AddImage", p("name", "vr", "url", "http://images.invalid/vr.qcow2",
                "system", true, "backupStorageUuids", List.of(bs))));
        String image = uuid(c.call("AddImage user", "AddImage", p("name", "tty", "url", "http://images.invalid/tty.qcow2",
                "backupStorageUuids", List.of(bs))));
        String provider = c.call("QueryNetworkServiceProvider", "QueryNetworkServiceProvider", p("conditions",
                List.of(Map.of("name", "type", "op", "=", "value", "VirtualRouter")))).get("inventories").get(0).get("uuid").asText();
        c.call("AttachNetworkServiceToL3Network", "AttachNetworkServiceToL3Network", p("l3NetworkUuid", l3s[2],
                "networkServices", Map.of(provider, List.of("DHCP", "DNS", "SNAT", "Eip", "PortForwarding"))));
        String offering = uuid(c.call("CreateInstanceOffering", "CreateInstanceOffering", p("name", "small", "cpuNum", 1,
                "memorySize", 1L << 30)));
        c.call("CreateVirtualRouterOffering", "CreateVirtualRouterOffering", p("name", "vr", "cpuNum", 1, "memorySize", 1L << 30,
                "zoneUuid", zone, "managementNetworkUuid", l3s[0], "publicNetworkUuid", l3s[1], "imageUuid", vrImage, "isDefault", true));
        JsonNode vm = c.call("CreateVmInstance (router comes up)", "CreateVmInstance", p("name", "vm", "instanceOfferingUuid", offering,
                "imageUuid", image, "l3NetworkUuids", List.of(l3s[2]))).get("inventory");
        String nic = vm.get("vmNics").get(0).get("uuid").asText();
        JsonNode router = c.call("QueryVirtualRouterVm l3", "QueryVirtualRouterVm", p("conditions",
                List.of(Map.of("name", "vmNics.l3NetworkUuid", "op", "=", "value", l3s[2])))).get("inventories").get(0);
        c.call("QueryVirtualRouterVm vmNics.mac", "QueryVirtualRouterVm", p("conditions",
                List.of(Map.of("name", "vmNics.mac", "op", "=", "value", router.get("vmNics").get(0).get("mac").asText()))));
        c.call("ReconnectVirtualRouter", "ReconnectVirtualRouter", p("vmInstanceUuid", router.get("uuid").asText()));
        c.call("CreateSystemTag", "CreateSystemTag", p("resourceType", "VmInstanceVO", "resourceUuid", router.get("uuid").asText(),
                "tag", "commandsParallelismDegree::2"));
        String eipVip = uuid(c.call("CreateVip eip", "CreateVip", p("name", "v1", "l3NetworkUuid", l3s[1])));
        c.call("CreateEip (attached)", "CreateEip", p("name", "e", "vipUuid", eipVip, "vmNicUuid", nic));
        String pfVip = uuid(c.call("CreateVip pf", "CreateVip", p("name", "v2", "l3NetworkUuid", l3s[1])));
        String rule = uuid(c.call("CreatePortForwardingRule", "CreatePortForwardingRule", p("name", "pf", "vipUuid", pfVip,
                "vipPortStart", 2222, "protocolType", "TCP")));
        c.call("AttachPortForwardingRule", "AttachPortForwardingRule", p("ruleUuid", rule, "vmNicUuid", nic));
        c.call("QueryL3Network in", "QueryL3Network", p("conditions",
                List.of(Map.of("name", "uuid", "op", "in", "value", l3s[0] + "," + l3s[1]))));
    }

    // ---------------------------------------------------------------- the two protocols

    private static Caller apiCaller(ApiClient api, List<Timing> timings) {
        return (step, name, params) -> {
            long t0 = System.nanoTime();
            JsonNode reply = api.ok(name, params);
            timings.add(new Timing(step, (System.nanoTime() - t0) / 1e6, 0));
            return reply;
        };
    }

    /** zstack-cli's transport: the envelope, values as text, the session inside, a 500 ms poll while not Done. */
    private static final class RpcCaller implements Caller {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private final String baseUrl;
        private final ZStackApis names;
        private final List<Timing> timings;
        private final String session;

        RpcCaller(String baseUrl, ZStackApis names, List<Timing> timings) {
            this.baseUrl = baseUrl;
            this.names = names;
            this.timings = timings;
            this.session = exchange("LogInByAccount", Map.of("accountName", "admin", "password", sha512(BenchNode.ADMIN_PASSWORD)), null)
                    .reply().get("inventory").get("uuid").asText();
        }

        @Override
        public JsonNode call(String step, String api, Map<String, Object> params) {
            long t0 = System.nanoTime();
            Exchanged e = exchange(api, params, session);
            timings.add(new Timing(step, (System.nanoTime() - t0) / 1e6, e.polls()));
            return e.reply();
        }

        private record Exchanged(JsonNode reply, int polls) {
        }

        private Exchanged exchange(String api, Map<String, ?> params, String sessionUuid) {
            ObjectNode body = JSON.createObjectNode();
            ObjectNode msg = body.putObject(names.byApiName(api).orElseThrow().messageClass());
            params.forEach((k, v) -> msg.set(k, v instanceof List || v instanceof Map ? JSON.valueToTree(v)
                    : JSON.getNodeFactory().textNode(String.valueOf(v))));
            if (sessionUuid != null) {
                msg.putObject("session").put("uuid", sessionUuid);
            }
            JsonNode envelope = send(HttpRequest.newBuilder(URI.create(baseUrl + "/zstack/api/"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())));
            int polls = 0;
            while (!"Done".equals(envelope.path("state").asText())) {
                sleep();
                polls++;
                envelope = send(HttpRequest.newBuilder(URI.create(baseUrl + "/zstack/api/result/" + envelope.get("uuid").asText())).GET());
            }
            JsonNode reply = parse(envelope.get("result").asText()).elements().next();
            if (!reply.path("success").asBoolean()) {
                throw new IllegalStateException(api + " failed through the RPC envelope: " + reply.path("error"));
            }
            return new Exchanged(reply, polls);
        }

        private JsonNode send(HttpRequest.Builder request) {
            try {
                return parse(http.send(request.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString()).body());
            } catch (IOException e) {
                throw new IllegalStateException("the RPC envelope failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private static void sleep() {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    private static String sha512(String typed) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(typed.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- the report

    private void report(List<List<Timing>> rpcRounds, List<List<Timing>> apiRounds) {
        ResultTable table = new ResultTable("call", "RPC envelope ms (median)", "RPC polls (max)", "/v1/api ms (median)");
        int steps = apiRounds.get(0).size();
        int fastButPolled = 0;
        for (int i = 0; i < steps; i++) {
            int step = i;
            double rpc = median(rpcRounds.stream().map(r -> r.get(step).millis()).toList());
            int polls = rpcRounds.stream().mapToInt(r -> r.get(step).polls()).max().orElse(0);
            double api = median(apiRounds.stream().map(r -> r.get(step).millis()).toList());
            table.row(apiRounds.get(0).get(i).step(), ResultTable.format(rpc), polls, ResultTable.format(api));
            for (List<Timing> r : rpcRounds) {
                Timing t = r.get(step);
                if (t.polls() > 0 && apiRounds.get(0).get(step).millis() < 100) {
                    fastButPolled++;
                }
            }
        }
        double rpcTotal = median(rpcRounds.stream().map(r -> r.stream().mapToDouble(Timing::millis).sum()).toList());
        double apiTotal = median(apiRounds.stream().map(r -> r.stream().mapToDouble(Timing::millis).sum()).toList());
        table.row("total (median of rounds)", ResultTable.format(rpcTotal), "", ResultTable.format(apiTotal));
        table.print(out);
        out.printf("%nRPC envelope / v1 api: %.2fx; calls under 100 ms over /v1/api that the RPC client had to poll: %d%n",
                rpcTotal / apiTotal, fastButPolled);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
