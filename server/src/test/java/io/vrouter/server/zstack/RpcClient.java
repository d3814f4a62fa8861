package io.vrouter.server.zstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrouter.api.QueryCondition;
import io.vrouter.api.QueryWords;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of the RPC envelope as zstack-cli and apibinding speak it (reference §8a): {@code POST /zstack/api/} with
 * {@code {"<message class>": {params as strings, "session": {"uuid": S}}}}, polling {@code /zstack/api/result/{uuid}}
 * every 500 ms while the state is not Done, the reply read as the first key of the {@code result} text.
 */
final class RpcClient implements ZStackClient {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The message classes of apibinding's api_actions.py (HEAD's packages). */
    static final Map<String, String> CLASSES = new LinkedHashMap<>();

    static {
        for (String[] pkg : new String[][]{
                {"org.zstack.header.identity", "LogInByAccount LogOut"},
                {"org.zstack.header.zone", "CreateZone QueryZone DeleteZone UpdateZone"},
                {"org.zstack.header.cluster", "CreateCluster QueryCluster"},
                {"org.zstack.header.simulator", "AddSimulatorHost"},
                {"org.zstack.header.host", "QueryHost"},
                {"org.zstack.header.network.l2", "CreateL2NoVlanNetwork AttachL2NetworkToCluster QueryL2Network"},
                {"org.zstack.header.network.l3", "CreateL3Network AddIpRange AddDnsToL3Network QueryL3Network QueryIpRange GetFreeIp"},
                {"org.zstack.header.network.service", "QueryNetworkServiceProvider AttachNetworkServiceToL3Network"},
                {"org.zstack.core.config", "UpdateGlobalConfig QueryGlobalConfig"},
                {"org.zstack.header.simulator.storage.backup", "AddSimulatorBackupStorage"},
                {"org.zstack.storage.backup.sftp", "AddSftpBackupStorage"},
                {"org.zstack.header.storage.backup", "AttachBackupStorageToZone QueryBackupStorage"},
                {"org.zstack.header.image", "AddImage QueryImage DeleteImage ExpungeImage"},
                {"org.zstack.header.configuration", "CreateInstanceOffering QueryInstanceOffering"},
                {"org.zstack.header.vm", "CreateVmInstance QueryVmInstance QueryVmNic StopVmInstance StartVmInstance"},
                {"org.zstack.header.tag", "CreateSystemTag QuerySystemTag"},
                {"org.zstack.network.service.virtualrouter", "CreateVirtualRouterOffering QueryVirtualRouterOffering QueryVirtualRouterVm ReconnectVirtualRouter"},
                {"org.zstack.network.service.vip", "CreateVip QueryVip"},
                {"org.zstack.network.service.eip", "CreateEip QueryEip"},
                {"org.zstack.network.service.portforwarding", "CreatePortForwardingRule AttachPortForwardingRule QueryPortForwardingRule"}}) {
            for (String api : pkg[1].split(" ")) {
                CLASSES.put(api, pkg[0] + ".API" + api + "Msg");
            }
        }
    }

    /** One envelope round: HTTP status, the envelope, the reply class and its fields, how many polls it took. */
    record Result(int status, JsonNode envelope, String replyClass, JsonNode reply, int polls) {
        boolean success() {
            return reply != null && reply.path("success").asBoolean(false);
        }

        JsonNode error() {
            return reply.path("error");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private String session;

    RpcClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public void logIn(String accountName, String typedPassword) {
        JsonNode reply = call("LogInByAccount", Map.of("accountName", accountName, "password", ZStackClient.sha512(typedPassword)));
        session = reply.get("inventory").get("uuid").asText();
    }

    @Override
    public JsonNode call(String api, Map<String, ?> params) {
        Result r = send(CLASSES.get(api), params);
        if (!r.success()) {
            throw new ZStackError(r.error().path("code").asText(), r.error().path("description").asText(), r.error().path("details").asText());
        }
        return r.reply();
    }

    @Override
    public JsonNode query(String api, List<String> conditions, Map<String, String> reserved) {
        List<Map<String, String>> parsed = new ArrayList<>();
        for (String word : conditions) {
            QueryCondition c = QueryWords.parse(word).orElseThrow(() -> new IllegalArgumentException(word));
            Map<String, String> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("op", c.op());
            if (c.value() != null) {
                m.put("value", c.value());
            }
            parsed.add(m);
        }
        Map<String, Object> params = new LinkedHashMap<>(reserved);
        params.put("conditions", parsed);
        return call(api, params);
    }

    @Override
    public void logOut() {
        call("LogOut", Map.of("sessionUuid", session));
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

    /** Sends one message: every scalar as the string typed, lists and maps as JSON; the session inside the body. */
    Result send(String messageClass, Map<String, ?> params) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode msg = body.putObject(messageClass);
        params.forEach((k, v) -> msg.set(k, stringified(v)));
        if (session != null) {
            msg.putObject("session").put("uuid", session);
        }
        return sendRaw(body.toString());
    }

    private static JsonNode stringified(Object value) {
        if (value instanceof List<?> list) {
            return JSON.valueToTree(list.stream().map(v -> v instanceof Map ? v : String.valueOf(v)).toList());
        }
        if (value instanceof Map<?, ?> map) {
            return JSON.valueToTree(map);
        }
        return JSON.getNodeFactory().textNode(String.valueOf(value));
    }

    /** Posts a body as is and follows the job to Done. */
    Result sendRaw(String body) {
        return sendRaw(body, "application/json");
    }

    /** Posts a body as is with this Content-Type (none when null) and follows the job to Done. */
    Result sendRaw(String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/zstack/api/"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = exchange(request);
        JsonNode envelope = parse(response.body());
        int polls = 0;
        while (response.statusCode() == 200 && !"Done".equals(envelope.path("state").asText())) {
            sleep(500);
            polls++;
            response = exchange(HttpRequest.newBuilder(URI.create(baseUrl + "/zstack/api/result/" + envelope.get("uuid").asText())).GET());
            envelope = parse(response.body());
        }
        JsonNode result = envelope.hasNonNull("result") ? parse(envelope.get("result").asText()) : null;
        String replyClass = result == null ? null : result.fieldNames().next();
        return new Result(response.statusCode(), envelope, replyClass, result == null ? null : result.get(replyClass), polls);
    }

    HttpResponse<String> exchange(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
