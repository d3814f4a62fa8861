package io.vrouter.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Calls the node's API over real HTTP, as the CLI does, and hands back status and JSON. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private volatile String session;

    public ApiClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** An HTTP reply: status and parsed body. */
    public record Reply(int status, JsonNode body) {
        public JsonNode inventory() {
            return body.get("inventory");
        }

        public JsonNode inventories() {
            return body.get("inventories");
        }

        public String errorCode() {
            return body.path("error").path("code").asText(null);
        }

        public String errorDetails() {
            return body.path("error").path("details").asText(null);
        }

        public boolean ok() {
            return status == 200;
        }
    }

    public ApiClient logIn(String password) {
        Reply r = call("LogInByAccount", Map.of("accountName", "admin", "password", password));
        if (!r.ok()) {
            throw new IllegalStateException("login failed: " + r.body());
        }
        session = r.inventory().get("uuid").asText();
        return this;
    }

    public String session() {
        return session;
    }

    public void useSession(String sessionUuid) {
        session = sessionUuid;
    }

    public Reply call(String api, Map<String, ?> params) {
        try {
            return post("/v1/api/" + api, JSON.writeValueAsString(params));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Calls and insists on success; returns the reply body. */
    public JsonNode ok(String api, Map<String, ?> params) {
        Reply r = call(api, params);
        if (!r.ok()) {
            throw new AssertionError(api + " " + params + " failed with HTTP " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    public Reply post(String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(b);
    }

    /** A POST with any Content-Type, or none when {@code contentType} is null: for tests of what the node refuses. */
    public Reply post(String path, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    public Reply get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(60)).GET());
    }

    private Reply send(HttpRequest.Builder b) {
        if (session != null) {
            b.header("Authorization", "OAuth " + session);
        }
        try {
            HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            return new Reply(response.statusCode(), body);
        } catch (IOException e) {
            throw new IllegalStateException("HTTP call to " + baseUrl + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
