package io.vrouter.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Calls the management node: {@code POST {url}/v1/api/{ApiName}} with a JSON body and
 * {@code Authorization: OAuth <session>}, REST queries ({@code GET /v1/...}) and {@code GET {url}/v1/openapi.json}.
 *
 * <p>Calls have no overall timeout because some APIs (creating a virtual router) legitimately take minutes; only
 * connecting is bounded. A call can be cancelled by interrupting the calling thread (the shell does so on Ctrl-C).
 * Thread-safe: one instance serves every thread of a benchmark. HTTP/1.1, so a call is one request on a kept-alive
 * connection, without an upgrade round trip.
 */
public final class ApiClient {

    /** The default server, as zstack-cli's users expect it. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI baseUrl;
    private final HttpClient http;
    private volatile String session;

    private ApiClient(URI baseUrl, HttpClient http) {
        this.baseUrl = baseUrl;
        this.http = http;
    }

    /**
     * A client for the server at {@code url} (e.g. the value of {@code VROUTER_URL}).
     *
     * @throws IllegalArgumentException when the URL is not an absolute http(s) URL; the message says so
     */
    public static ApiClient forUrl(String url) {
        String trimmed = url.trim().replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException("server URL must look like http://host:port, got '" + url + "'");
            }
            return new ApiClient(uri, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(CONNECT_TIMEOUT).build());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("server URL must look like http://host:port, got '" + url + "'", e);
        }
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** The same session against another address: a restarted node keeps its sessions in the database. */
    public ApiClient at(String newBaseUrl) {
        ApiClient other = forUrl(newBaseUrl);
        other.session = session;
        return other;
    }

    // ---------------------------------------------------------------- the session

    /** Logs in as admin and keeps the session for the calls that follow. */
    public ApiClient logIn(String password) {
        ApiReply reply = call("LogInByAccount", Map.of("accountName", "admin", "password", password));
        if (reply.failed()) {
            throw new IllegalStateException("login as admin at " + baseUrl + " failed: " + reply);
        }
        session = reply.json().path("inventory").path("uuid").asText();
        return this;
    }

    /** The session sent with every call, or null. */
    public String session() {
        return session;
    }

    /** Sends this session (null: none) with the calls that follow. */
    public void useSession(String sessionUuid) {
        session = sessionUuid;
    }

    // ---------------------------------------------------------------- calls

    /**
     * Calls one API with {@code params} (a map or a JSON tree) as its body; the session is sent when there is one.
     * An API error is a reply like any other ({@link ApiReply#failed()}).
     *
     * @throws ServerUnreachableException when the node cannot be reached
     * @throws CallCancelledException     when the calling thread is interrupted during the call
     */
    public ApiReply call(String api, Object params) {
        String json;
        try {
            json = MAPPER.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("parameters of " + api + " are not JSON-serialisable: " + e.getMessage(), e);
        }
        return postJson("/v1/api/" + api, json, api);
    }

    /** Calls and insists on success; returns the reply's JSON. */
    public JsonNode ok(String api, Map<String, ?> params) {
        ApiReply reply = call(api, params);
        if (reply.failed()) {
            throw new ApiCallFailedException(api, params, reply);
        }
        return reply.json();
    }

    /** Calls a creating API with alternating names and values; returns the new resource's uuid. */
    public String create(String api, Object... namesAndValues) {
        return inventory(api, namesAndValues).path("uuid").asText();
    }

    /** Calls an API with alternating names and values, insisting on success; returns the reply's inventory. */
    public JsonNode inventory(String api, Object... namesAndValues) {
        return ok(api, params(namesAndValues)).path("inventory");
    }

    /** The inventories matching AND-ed {@code name op value} conditions (given as triples), up to {@code limit}. */
    public List<JsonNode> query(String api, int limit, String... conditionTriples) {
        List<JsonNode> out = new ArrayList<>();
        ok(api, Map.of("conditions", conditions(conditionTriples), "limit", limit)).path("inventories").forEach(out::add);
        return out;
    }

    /** Every inventory matching AND-ed {@code name op value} conditions (given as triples). */
    public List<JsonNode> query(String api, String... conditionTriples) {
        List<JsonNode> out = new ArrayList<>();
        ok(api, Map.of("conditions", conditions(conditionTriples))).path("inventories").forEach(out::add);
        return out;
    }

    /** How many resources match AND-ed {@code name op value} conditions (given as triples). */
    public long count(String api, String... conditionTriples) {
        return ok(api, Map.of("conditions", conditions(conditionTriples), "count", true)).path("total").asLong();
    }

    /** POSTs a body as it is (for tests of what the node does with a malformed one). */
    public ApiReply post(String path, String body) {
        return postJson(path, body, "POST " + path);
    }

    /** A POST with any Content-Type, or none when {@code contentType} is null: for tests of what the node refuses. */
    public ApiReply post(String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send("POST " + path + " as " + contentType, request);
    }

    private ApiReply postJson(String path, String body, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(what, request);
    }

    /** A REST query such as {@code /v1/vm-instances?q=vmNics.ip=10.0.0.5}. */
    public ApiReply get(String pathAndQuery) {
        return send("GET " + pathAndQuery, HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .header("Accept", "application/json").GET());
    }

    /**
     * Fetches the OpenAPI document.
     *
     * @throws IOException when the server answers but not with a JSON document
     */
    public JsonNode fetchOpenApi() throws IOException {
        ApiReply reply = send("openapi.json", HttpRequest.newBuilder(URI.create(baseUrl + "/v1/openapi.json"))
                .header("Accept", "application/json").GET());
        if (reply.status() != 200 || reply.json() == null) {
            throw new IOException("GET " + baseUrl + "/v1/openapi.json answered HTTP " + reply.status());
        }
        return reply.json();
    }

    private ApiReply send(String what, HttpRequest.Builder request) {
        String current = session;
        if (current != null) {
            request.header("Authorization", "OAuth " + current);
        }
        CompletableFuture<HttpResponse<String>> future = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw new CallCancelledException(what);
        } catch (ExecutionException e) {
            throw new ServerUnreachableException("cannot reach the management node at " + baseUrl + ": "
                    + reason(e.getCause()) + " (set VROUTER_URL to choose the server)", e.getCause());
        }
        return new ApiReply(response.statusCode(), response.body());
    }

    private static String reason(Throwable t) {
        // HttpClient wraps the interesting exception; its own message is often empty
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) {
                return "connection timed out after " + CONNECT_TIMEOUT.toSeconds() + "s";
            }
            if (c instanceof ConnectException) {
                return "connection refused";
            }
            if (c instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (c instanceof HttpTimeoutException) {
                return "timed out";
            }
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- building parameters

    /** Alternating names and values as an ordered map. */
    public static Map<String, Object> params(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("parameters come as name, value pairs");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    /** Query conditions from {@code name, op, value} triples. */
    public static List<Map<String, String>> conditions(String... triples) {
        if (triples.length % 3 != 0) {
            throw new IllegalArgumentException("conditions come as name, op, value triples");
        }
        List<Map<String, String>> list = new ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            list.add(Map.of("name", triples[i], "op", triples[i + 1], "value", triples[i + 2]));
        }
        return list;
    }
}
