package io.vrouter.server.zstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of ZStack's REST API v1 as the Java SDK's ZSClient speaks it (reference §8b): each API's method and
 * path (the SDK's RestInfo), {@code {var}}s filled from the parameters, the rest as {@code {"params": ...}} (POST),
 * {@code {"<action>": ...}} (PUT) or the query string (GET, DELETE); {@code X-Job-UUID} sent; a 202's location
 * polled at once and then every 500 ms; 200 is the result, 503 the error.
 */
final class RestV1Client implements ZStackClient {
    /** The SDK's RestInfo of the APIs the tests call. */
    static final Map<String, String> ROUTES = new LinkedHashMap<>();

    static {
        String[] table = {
                "LogInByAccount PUT /accounts/login",
                "CreateZone POST /zones", "QueryZone GET /zones", "DeleteZone DELETE /zones/{uuid}",
                "UpdateZone PUT /zones/{uuid}/actions",
                "CreateCluster POST /clusters", "QueryCluster GET /clusters",
                "AddSimulatorHost POST /hosts/simulators", "QueryHost GET /hosts",
                "CreateL2NoVlanNetwork POST /l2-networks/no-vlan",
                "AttachL2NetworkToCluster POST /l2-networks/{l2NetworkUuid}/clusters/{clusterUuid}",
                "QueryL2Network GET /l2-networks",
                "CreateL3Network POST /l3-networks", "QueryL3Network GET /l3-networks", "QueryIpRange GET /l3-networks/ip-ranges",
                "AddIpRange POST /l3-networks/{l3NetworkUuid}/ip-ranges",
                "AddDnsToL3Network POST /l3-networks/{l3NetworkUuid}/dns",
                "GetFreeIp GET /l3-networks/{l3NetworkUuid}/ip/free",
                "QueryNetworkServiceProvider GET /network-services/providers",
                "AttachNetworkServiceToL3Network POST /l3-networks/{l3NetworkUuid}/network-services",
                "UpdateGlobalConfig PUT /global-configurations/{category}/{name}/actions",
                "QueryGlobalConfig GET /global-configurations",
                "AddSimulatorBackupStorage POST /backup-storage/simulators",
                "AddSftpBackupStorage POST /backup-storage/sftp",
                "AttachBackupStorageToZone POST /zones/{zoneUuid}/backup-storage/{backupStorageUuid}",
                "QueryBackupStorage GET /backup-storage",
                "AddImage POST /images", "QueryImage GET /images", "DeleteImage DELETE /images/{uuid}",
                "ExpungeImage PUT /images/{imageUuid}/actions",
                "CreateInstanceOffering POST /instance-offerings", "QueryInstanceOffering GET /instance-offerings",
                "CreateVmInstance POST /vm-instances", "QueryVmInstance GET /vm-instances",
                "StopVmInstance PUT /vm-instances/{uuid}/actions", "StartVmInstance PUT /vm-instances/{uuid}/actions",
                "QueryVmNic GET /vm-instances/nics",
                "CreateSystemTag POST /system-tags", "QuerySystemTag GET /system-tags",
                "CreateVirtualRouterOffering POST /instance-offerings/virtual-routers",
                "QueryVirtualRouterOffering GET /instance-offerings/virtual-routers",
                "QueryVirtualRouterVm GET /vm-instances/appliances/virtual-routers",
                "ReconnectVirtualRouter PUT /vm-instances/appliances/virtual-routers/{vmInstanceUuid}/actions",
                "CreateVip POST /vips", "QueryVip GET /vips",
                "CreateEip POST /eips", "QueryEip GET /eips",
                "CreatePortForwardingRule POST /port-forwarding",
                "AttachPortForwardingRule POST /port-forwarding/{ruleUuid}/vm-instances/nics/{vmNicUuid}",
                "QueryPortForwardingRule GET /port-forwarding",
                "CreateL2VxlanNetworkPool POST /l2-networks/vxlan-pool",
                "CreateVniRange POST /l2-networks/vxlan-pool/{l2NetworkUuid}/vni-ranges",
                "CreateL2VxlanNetwork POST /l2-networks/vxlan", "QueryL2VxlanNetwork GET /l2-networks/vxlan",
                "QueryVniRange GET /l2-networks/vxlan-pool/vni-ranges"};
        for (String row : table) {
            String[] w = row.split(" ");
            ROUTES.put(w[0], w[1] + " " + w[2]);
        }
    }

    private static final Pattern VAR = Pattern.compile("\\{(.+?)\\}");

    /** A reply: status, body, and the polls a job took. */
    record Reply(int status, JsonNode body, int polls) {
    }

    private final RpcClient transport;
    private final String baseUrl;
    private String session;
    /** Polls of the last call, for the tests that check a fast job costs none. */
    int lastPolls;

    RestV1Client(String baseUrl) {
        this.baseUrl = baseUrl;
        this.transport = new RpcClient(baseUrl);
    }

    @Override
    public void logIn(String accountName, String typedPassword) {
        Reply r = send("PUT", "/accounts/login", body("logInByAccount", Map.of("accountName", accountName,
                "password", ZStackClient.sha512(typedPassword))), null, false);
        session = result(r).get("inventory").get("uuid").asText();
    }

    @Override
    public void logOut() {
        result(send("DELETE", "/accounts/sessions/" + session, null, null, false));
        session = null;
    }

    @Override
    public String session() {
        return session;
    }

    @Override
    public void useSession(String session) {
        this.session = session;
    }

    @Override
    public JsonNode call(String api, Map<String, ?> params) {
        String[] route = ROUTES.get(api).split(" ");
        String method = route[0];
        Map<String, Object> rest = new LinkedHashMap<>(params);
        Matcher m = VAR.matcher(route[1]);
        StringBuilder path = new StringBuilder();
        while (m.find()) {
            Object value = rest.remove(m.group(1));
            m.appendReplacement(path, String.valueOf(value));
        }
        m.appendTail(path);
        if (method.equals("GET") || method.equals("DELETE")) {
            List<String> query = new ArrayList<>();
            rest.forEach((k, v) -> query.add(enc(k) + "=" + enc(String.valueOf(v))));
            String p = path + (query.isEmpty() ? "" : "?" + String.join("&", query));
            return result(send(method, p, null, UUID.randomUUID().toString().replace("-", ""), true));
        }
        String key = method.equals("PUT") ? Character.toLowerCase(api.charAt(0)) + api.substring(1) : "params";
        return result(send(method, path.toString(), body(key, rest), UUID.randomUUID().toString().replace("-", ""), true));
    }

    @Override
    public JsonNode query(String api, List<String> conditions, Map<String, String> reserved) {
        List<String> query = new ArrayList<>();
        conditions.forEach(c -> query.add("q=" + enc(c)));
        reserved.forEach((k, v) -> {
            if (k.equals("sortBy")) {
                query.add("sort=" + enc((("desc".equals(reserved.get("sortDirection"))) ? "-" : "+") + v));
            } else if (!k.equals("sortDirection")) {
                query.add(enc(k) + "=" + enc(v));
            }
        });
        String path = ROUTES.get(api).split(" ")[1] + (query.isEmpty() ? "" : "?" + String.join("&", query));
        return result(send("GET", path, null, null, true));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String body(String key, Map<String, ?> params) {
        ObjectNode body = RpcClient.JSON.createObjectNode();
        body.set(key, RpcClient.JSON.valueToTree(params));
        return body.toString();
    }

    /** 200 is the result; anything else is the error the SDK reports. */
    private JsonNode result(Reply r) {
        lastPolls = r.polls();
        if (r.status() == 200) {
            return r.body();
        }
        JsonNode error = r.body().path("error");
        throw new ZStackError(error.path("code").asText("HTTP." + r.status()), error.path("description").asText(),
                error.path("details").asText(r.body().toString()));
    }

    /** One call; a 202 is followed to its end as the SDK's syncPollResult does. */
    Reply send(String method, String pathAndQuery, String body, String jobUuid, boolean withSession) {
        return send(method, pathAndQuery, body, "application/json", jobUuid, withSession);
    }

    /** The same with this Content-Type (none when null). */
    Reply send(String method, String pathAndQuery, String body, String contentType, String jobUuid, boolean withSession) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/zstack/v1" + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (jobUuid != null) {
            b.header("X-Job-UUID", jobUuid);
        }
        if (withSession && session != null) {
            b.header("Authorization", "OAuth " + session);
        }
        HttpResponse<String> response = transport.exchange(b);
        JsonNode json = response.body().isEmpty() ? RpcClient.JSON.nullNode() : RpcClient.parse(response.body());
        if (response.statusCode() != 202) {
            return new Reply(response.statusCode(), json, 0);
        }
        String location = json.get("location").asText();
        int polls = 0;
        while (true) {
            HttpRequest.Builder poll = HttpRequest.newBuilder(URI.create(location)).GET();
            if (session != null) {
                poll.header("Authorization", "OAuth " + session);
            }
            HttpResponse<String> p = transport.exchange(poll);
            if (p.statusCode() != 202) {
                return new Reply(p.statusCode(), RpcClient.parse(p.body()), polls);
            }
            polls++;
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
