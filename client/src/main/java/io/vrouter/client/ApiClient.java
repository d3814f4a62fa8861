package io.vrouter.cli.remote;

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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Calls the management node: {@code POST {url}/v1/api/{ApiName}} with a JSON body and
 * {@code Authorization: OAuth <session>}, and {@code GET {url}/v1/openapi.json}.
 *
 * <p>Calls have no overall timeout because some APIs (creating a virtual router) legitimately take minutes; only
 * connecting is bounded. A call can be cancelled by interrupting the calling thread (the shell does so on Ctrl-C).
 */
public final class ApiClient {

    /** The default server, as the issue fixes it. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI baseUrl;
    private final HttpClient http;

    private ApiClient(URI baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
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
            return new ApiClient(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("server URL must look like http://host:port, got '" + url + "'", e);
        }
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** Calls one API; the session is sent when present. */
    public ApiReply call(String apiName, JsonNode body, Optional<String> session)
            throws ServerUnreachableException, CallCancelledException {
        String json;
        try {
            json = MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/api/" + apiName))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        session.ifPresent(s -> req.header("Authorization", "OAuth " + s));
        return send(apiName, req.build());
    }

    /**
     * Fetches the OpenAPI document.
     *
     * @throws IOException when the server answers but not with a JSON document
     */
    public JsonNode fetchOpenApi() throws ServerUnreachableException, CallCancelledException, IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/openapi.json"))
                .header("Accept", "application/json").GET().build();
        ApiReply reply = send("openapi.json", req);
        if (reply.status() != 200 || reply.json() == null) {
            throw new IOException("GET " + req.uri() + " answered HTTP " + reply.status());
        }
        return reply.json();
    }

    private ApiReply send(String what, HttpRequest req) throws ServerUnreachableException, CallCancelledException {
        CompletableFuture<HttpResponse<String>> future = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
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
        return new ApiReply(response.statusCode(), parse(response.body()), response.body());
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
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
}
