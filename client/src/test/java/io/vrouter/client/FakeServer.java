package io.vrouter.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the management node on a free loopback port: serves the OpenAPI fixture, answers
 * {@code POST /v1/api/{ApiName}} with canned replies and records every request so tests assert what was sent.
 */
public final class FakeServer implements AutoCloseable {

    /** One request as received. */
    public record Request(String method, String path, String authorization, String body) {
    }

    /** A canned reply. */
    public record Reply(int status, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private volatile boolean serveSchema = true;

    public FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Sets what an API answers. */
    public FakeServer reply(String apiName, int status, String body) {
        replies.put(apiName, new Reply(status, body));
        return this;
    }

    public FakeServer withoutSchema() {
        serveSchema = false;
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The API calls only, without schema fetches. */
    public List<Request> apiCalls() {
        return requests.stream().filter(r -> r.path().startsWith("/v1/api/")).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            requests.add(new Request(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Authorization"), body));
            if (path.equals("/v1/openapi.json") && serveSchema) {
                try (InputStream in = FakeServer.class.getResourceAsStream("/openapi-fixture.json")) {
                    send(ex, 200, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                return;
            }
            if (!path.startsWith("/v1/api/")) {
                send(ex, 404, "Not found");
                return;
            }
            String api = path.substring("/v1/api/".length());
            Reply reply = replies.getOrDefault(api, new Reply(200, "{\"inventories\":[],\"total\":0}"));
            send(ex, reply.status(), reply.body());
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
