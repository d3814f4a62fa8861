package io.vrouter.server.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 * The benchmarks' client of the management node's HTTP API ({@code POST /v1/api/{name}}), as the CLI uses it.
 * Thread-safe: one instance serves every client thread of a benchmark. HTTP/1.1, so a call is one request on a
 * kept-alive connection, without an upgrade round trip.
 */
final class BenchApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private volatile String session;

    BenchApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A reply: HTTP status, the raw body (what a timing covers) and, parsed on demand, its JSON. */
    record Reply(int status, String text) {
        JsonNode body() {
            try {
                return text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the node replied with HTTP " + status + " and a body that is not JSON: " + text, e);
            }
        }

        boolean ok() {
            return status == 200;
        }

        String errorCode() {
            return body().path("error").path("code").asText(null);
        }

        String errorDetails() {
            return body().path("error").path("details").asText(null);
        }
    }

    /** The same session against another address: a restarted node keeps its sessions in the database. */
    BenchApi at(String newBaseUrl) {
        BenchApi other = new BenchApi(newBaseUrl);
        other.session = session;
        return other;
    }

    BenchApi logIn(String password) {
        Reply r = call("LogInByAccount", Map.of("accountName", "admin", "password", password));
        if (!r.ok()) {
            throw new IllegalStateException("login as admin failed: HTTP " + r.status() + " " + r.text());
        }
        session = r.body().path("inventory").path("uuid").asText();
        return this;
    }

    Reply call(String api, Map<String, ?> params) {
        String body;
        try {
            body = JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("parameters of " + api + " are not JSON-serialisable: " + e.getMessage(), e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/api/" + api))
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Authorization", "OAuth " + session);
        }
        return send(request, api);
    }

    private Reply send(HttpRequest.Builder request, String what) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(what + " at " + baseUrl + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + what, e);
        }
    }

    /** A REST query such as {@code /v1/vm-instances?q=vmNics.ip=10.0.0.5}. */
    Reply get(String pathAndQuery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofMinutes(10)).GET();
        if (session != null) {
            request.header("Authorization", "OAuth " + session);
        }
        return send(request, "GET " + pathAndQuery);
    }

    /** Calls and insists on success; returns the parsed reply. */
    JsonNode ok(String api, Map<String, ?> params) {
        Reply r = call(api, params);
        if (!r.ok()) {
            throw new IllegalStateException(api + " " + params + " failed with HTTP " + r.status() + ": " + r.text());
        }
        return r.body();
    }

    /** Calls a creating API with alternating names and values; returns the new resource's uuid. */
    String create(String api, Object... namesAndValues) {
        return ok(api, params(namesAndValues)).path("inventory").path("uuid").asText();
    }

    /** The inventories matching AND-ed {@code name op value} conditions (given as triples), up to {@code limit}. */
    List<JsonNode> query(String api, int limit, String... conditionTriples) {
        List<JsonNode> out = new ArrayList<>();
        ok(api, Map.of("conditions", conditions(conditionTriples), "limit", limit)).path("inventories").forEach(out::add);
        return out;
    }

    long count(String api, String... conditionTriples) {
        return ok(api, Map.of("conditions", conditions(conditionTriples), "count", true)).path("total").asLong();
    }

    static List<Map<String, String>> conditions(String... triples) {
        if (triples.length % 3 != 0) {
            throw new IllegalArgumentException("conditions come as name, op, value triples");
        }
        List<Map<String, String>> list = new ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            list.add(Map.of("name", triples[i], "op", triples[i + 1], "value", triples[i + 2]));
        }
        return list;
    }

    static Map<String, Object> params(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }
}
