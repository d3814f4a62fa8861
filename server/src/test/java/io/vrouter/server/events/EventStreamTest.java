package io.vrouter.server.events;

import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/events}: only with a session; a router's status change, an API's success and failure arrive live. */
@Timeout(120)
class EventStreamTest {
    private static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(TestDatabase.H2);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void withoutASessionTheStreamIsRefusedWithTheApisError() throws Exception {
        HttpResponse<String> none = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.url() + "/v1/events")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("\"code\":\"ID.1001\"").contains("no session");

        HttpResponse<String> bogus = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.url() + "/v1/events"))
                .header("Authorization", "OAuth 0123456789abcdef0123456789abcdef").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bogus.statusCode()).isEqualTo(401);
        assertThat(bogus.body()).contains("does not exist or was logged out");
    }

    @Test
    void aRoutersStatusAndApiOutcomesArriveOnTheStream() throws Exception {
        var api = node.admin();
        RouterFixture world = new RouterFixture(api, 61);
        String vm = world.userVm("events-vm", world.guestL3).get("uuid").asText();
        String router = world.routersOn(world.guestL3).get(0).get("uuid").asText();

        Stream stream = Stream.open(node.url(), api.session(), lastId());
        try {
            String hello = stream.next("hello");
            assertThat(hello).contains("lastId");

            api.ok("StopVmInstance", Map.of("uuid", router));
            // the router's own status, then the API that caused it
            assertThat(stream.next("status")).contains("\"resourceType\":\"VirtualRouterVm\"")
                    .contains("\"uuid\":\"" + router + "\"").contains("\"status\":\"Disconnected\"");
            assertThat(stream.next("changed")).contains("\"resourceType\":\"StopVmInstance\"");

            var failed = api.call("StopVmInstance", Map.of("uuid", "0123456789abcdef0123456789abcdef"));
            assertThat(failed.ok()).isFalse();
            assertThat(stream.next("error")).contains("\"resourceType\":\"StopVmInstance\"")
                    .contains("\"status\":\"" + failed.errorCode() + "\"").contains(failed.errorDetails());

            // queries are not news
            api.ok("QueryVmInstance", Map.of());
            api.ok("StartVmInstance", Map.of("uuid", router));
            assertThat(stream.next("status")).contains("\"status\":\"Connecting\"");
            assertThat(stream.next("status")).contains("\"status\":\"Connected\"");
            assertThat(stream.next("changed")).contains("StartVmInstance");
        } finally {
            stream.close();
        }
        assertThat(vm).isNotEmpty();
    }

    @Test
    void callsOverZStacksRestV1ArriveAsTheirOwnDo() throws Exception {
        var api = node.admin();
        Stream stream = Stream.open(node.url(), api.session(), lastId());
        try {
            stream.next("hello");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(node.url() + "/zstack/v1/zones"))
                    .header("Authorization", "OAuth " + api.session()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"params\": {\"name\": \"events-rest-zone\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(202);
            assertThat(stream.next("changed")).contains("\"resourceType\":\"CreateZone\"");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(node.url() + "/zstack/v1/zones"))
                    .header("Authorization", "OAuth " + api.session()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"params\": {}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(stream.next("error")).contains("\"resourceType\":\"CreateZone\"").contains("SYS.1007")
                    .contains("missing required parameter name");
        } finally {
            stream.close();
        }
    }

    @Test
    void aReconnectingBrowserGetsWhatItMissedAfterItsLastEventId() throws Exception {
        var api = node.admin();
        api.call("DeleteZone", Map.of("uuid", "0123456789abcdef0123456789abcdef"));
        long last = lastId();
        api.call("DeleteCluster", Map.of("uuid", "0123456789abcdef0123456789abcdef"));

        Stream stream = Stream.open(node.url(), api.session(), last);
        try {
            assertThat(stream.next("error")).contains("DeleteCluster").doesNotContain("DeleteZone");
            assertThat(stream.next("hello")).contains("\"lastId\":" + (last + 1));
        } finally {
            stream.close();
        }
    }

    @Test
    void aStreamEndsWithItsSession() throws Exception {
        var api = node.admin();
        Stream stream = Stream.open(node.url(), api.session(), lastId());
        try {
            stream.next("hello");
            api.ok("LogOut", Map.of());
            // the session is checked every CHECK_SECONDS
            assertThat(stream.next("session-ended")).contains("log in again");
            assertThat(stream.nextLine(EventStream.CHECK_SECONDS + 5)).isNull();
        } finally {
            stream.close();
        }
    }

    /** The id of the last event so far: a stream opened after it starts with the hello. */
    private static long lastId() {
        var recent = node.node().liveEvents().recent();
        return recent.isEmpty() ? 0 : recent.get(recent.size() - 1).id();
    }

    /** A reading end of the stream on a thread of its own: events by name, in order. */
    private static final class Stream implements AutoCloseable {
        private final InputStream body;
        private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
        private static final Object END = new Object();

        private Stream(InputStream body) {
            this.body = body;
            Thread reader = new Thread(this::read, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Stream open(String url, String session, Long lastEventId) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/v1/events")).header("Authorization", "OAuth " + session).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId.toString());
            }
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            return new Stream(response.body());
        }

        private void read() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String name = "message";
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                    if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        events.add(new String[] {name, line.substring(5).trim()});
                        name = "message";
                    }
                }
            } catch (IOException closed) {
                // the test closed it
            }
            lines.add(END);
        }

        /** The data of the next event, which must be named {@code name}, skipping none. */
        String next(String name) throws InterruptedException {
            String[] event = events.poll(30, TimeUnit.SECONDS);
            assertThat(event).as("an event %s within 30 s", name).isNotNull();
            assertThat(event[0]).as("event %s", event[1]).isEqualTo(name);
            return event[1];
        }

        /** Lines until the stream ends; null when it ended within the time. */
        String nextLine(int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                Object line = lines.poll(1, TimeUnit.SECONDS);
                if (line == END) {
                    return null;
                }
            }
            return "still open";
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
