package io.vrouter.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The management node's API over HTTP, as the CLI calls it: {@code POST /v1/api/<name>} with a session. */
public final class DemoApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private String session;

    public DemoApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public DemoApi logIn(String password) {
        session = call("LogInByAccount", Map.of("accountName", "admin", "password", password)).get("inventory").get("uuid").asText();
        return this;
    }

    /** Calls an API and returns the reply body; a failure throws with the API, its parameters and the error. */
    public JsonNode call(String api, Map<String, ?> params) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/api/" + api))
                    .timeout(Duration.ofSeconds(180)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(params)));
            if (session != null) {
                b.header("Authorization", "OAuth " + session);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
            if (r.statusCode() != 200) {
                throw new ApiFailure(api, r.statusCode(), body);
            }
            return body;
        } catch (IOException e) {
            throw new IllegalStateException(api + " at " + baseUrl + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + api, e);
        }
    }

    /** {@code call(...).inventory}. */
    public JsonNode create(String api, Object... keysAndValues) {
        return call(api, params(keysAndValues)).get("inventory");
    }

    public String uuid(String api, Object... keysAndValues) {
        return create(api, keysAndValues).get("uuid").asText();
    }

    /** The inventories of a query with {@code name op value} conditions given as triples. */
    public JsonNode query(String api, String... triples) {
        List<Map<String, String>> conditions = new java.util.ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            conditions.add(Map.of("name", triples[i], "op", triples[i + 1], "value", triples[i + 2]));
        }
        return call(api, Map.of("conditions", conditions)).get("inventories");
    }

    public static Map<String, Object> params(Object... keysAndValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** An API error reply. */
    public static final class ApiFailure extends RuntimeException {
        private final int status;
        private final JsonNode body;

        ApiFailure(String api, int status, JsonNode body) {
            super(api + " failed with HTTP " + status + ": " + body);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public String details() {
            return body.path("error").path("details").asText();
        }
    }
}
