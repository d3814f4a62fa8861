package io.vrouter.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Gzip bodies: the same bytes after a round trip, bombs and garbage refused, and the negotiation of {@link AgentClient}
 * against agents of both kinds over real HTTP.
 */
class BodyEncodingTest {
    private HttpServer server;
    private final List<Received> received = new ArrayList<>();

    record Received(String encoding, byte[] body) {
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aBodyRoundTripsByteForByte_andIsReadableByAnyGzipReader() throws Exception {
        byte[] body = AgentJson.newMapper().writeValueAsBytes(Map.of("rules", bigList(20_000)));

        byte[] compressed = BodyEncoding.gzip(body);

        assertThat(compressed.length).isLessThan(body.length / 5);
        assertThat(BodyEncoding.gunzip(compressed, BodyEncoding.MAX_INFLATED)).isEqualTo(body);
        try (GZIPInputStream jdk = new GZIPInputStream(new java.io.ByteArrayInputStream(compressed))) {
            assertThat(jdk.readAllBytes()).isEqualTo(body);
        }
    }

    @Test
    void aBodyOfAnotherGzipWriterIsRead() throws Exception {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        }

        assertThat(BodyEncoding.gunzip(out.toByteArray(), 1000)).isEqualTo(body);
    }

    @Test
    void aBombIsRefusedAtTheLimit_notInflatedWhole() {
        // 8 MiB of zeros in ~36 KB (a real bomb uses the best level: ~1000 to 1)
        byte[] bomb = BodyEncoding.gzip(new byte[8 * 1024 * 1024]);

        assertThat(bomb.length).isLessThan(64 * 1024);
        assertThatThrownBy(() -> BodyEncoding.gunzip(bomb, 1024 * 1024))
                .isInstanceOfSatisfying(BodyEncoding.InvalidBodyException.class, e -> {
                    assertThat(e.tooLarge()).isTrue();
                    assertThat(e.getMessage()).contains("past the limit of 1048576 bytes");
                });
    }

    @Test
    void garbageCutBodiesAndBadChecksumsAreRefusedAsMalformed() {
        byte[] good = BodyEncoding.gzip("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8));
        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 8] ^= 1;
        byte[] trailing = Arrays.copyOf(good, good.length + 3);

        for (byte[] body : List.of("{\"plain\":true}".getBytes(StandardCharsets.UTF_8), Arrays.copyOf(good, good.length - 9),
                badCrc, trailing)) {
            assertThatThrownBy(() -> BodyEncoding.gunzip(body, 1000))
                    .isInstanceOfSatisfying(BodyEncoding.InvalidBodyException.class, e -> assertThat(e.tooLarge()).isFalse());
        }
    }

    @Test
    void acceptEncodingIsReadAsAList() {
        assertThat(BodyEncoding.acceptsGzip("gzip")).isTrue();
        assertThat(BodyEncoding.acceptsGzip("br, GZIP;q=0.5")).isTrue();
        assertThat(BodyEncoding.acceptsGzip("identity")).isFalse();
        assertThat(BodyEncoding.acceptsGzip(null)).isFalse();
    }

    @Test
    void anAgentOfTheOldKindGetsPlainBodies() throws Exception {
        AgentClient client = client(false, false);
        Map<String, Object> big = Map.of("rules", bigList(5_000));

        client.call("/sync", null, AgentReply.class);
        client.call("/sync", big, AgentReply.class);

        assertThat(client.compressesBigBodies()).isFalse();
        assertThat(received.get(1).encoding()).isNull();
        assertThat(received.get(1).body()).isEqualTo(AgentJson.newMapper().writeValueAsBytes(big));
    }

    @Test
    void anAgentThatOffersGzipGetsBigBodiesCompressed_smallOnesAsTheyAre() throws Exception {
        AgentClient client = client(true, false);
        Map<String, Object> big = Map.of("rules", bigList(5_000));
        Map<String, Object> small = Map.of("rules", bigList(1));

        client.call("/sync", big, AgentReply.class);   // nothing known yet: as it is
        client.call("/sync", big, AgentReply.class);
        client.call("/one", small, AgentReply.class);

        assertThat(received).extracting(Received::encoding).containsExactly(null, "gzip", null);
        assertThat(received.get(1).body().length).isLessThan(received.get(0).body().length / 5);
        assertThat(BodyEncoding.gunzip(received.get(1).body(), BodyEncoding.MAX_INFLATED))
                .isEqualTo(AgentJson.newMapper().writeValueAsBytes(big));
        assertThat(client.withTimeout(Duration.ofSeconds(3)).compressesBigBodies()).isTrue();
    }

    @Test
    void anAgentReplacedByAnOldOneGetsTheBodyAgainUncompressed() throws Exception {
        AgentClient client = client(true, true);
        Map<String, Object> big = Map.of("rules", bigList(5_000));
        client.call("/ping", null, AgentReply.class); // the new agent offers gzip; then it is "replaced"

        client.call("/sync", big, AgentReply.class);

        assertThat(received).extracting(Received::encoding).containsExactly(null, "gzip", null);
        assertThat(received.get(2).body()).isEqualTo(AgentJson.newMapper().writeValueAsBytes(big));
        assertThat(client.compressesBigBodies()).isFalse();
    }

    /**
     * A stand-in agent: records what arrives. {@code offersGzip}: its replies carry {@code Accept-Encoding: gzip};
     * {@code replacedAfterFirst}: after its first reply it behaves as an old agent (no offer, a gzip body is 400).
     */
    private AgentClient client(boolean offersGzip, boolean replacedAfterFirst) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String encoding = exchange.getRequestHeaders().getFirst(BodyEncoding.CONTENT_ENCODING);
            boolean old = !offersGzip || (replacedAfterFirst && !received.isEmpty());
            received.add(new Received(encoding, body));
            if (!old) {
                exchange.getResponseHeaders().add(BodyEncoding.ACCEPT_ENCODING, BodyEncoding.GZIP);
            }
            boolean refused = old && encoding != null;
            byte[] reply = (refused ? "{\"success\":false,\"error\":\"not JSON\"}" : "{\"success\":true}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(refused ? 400 : 200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
        return AgentClient.create("http://127.0.0.1:" + server.getAddress().getPort(), "s3cret", Duration.ofSeconds(10));
    }

    private static List<Map<String, Object>> bigList(int n) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rules.add(Map.of("vipIp", "198.18." + (i / 250) + "." + (i % 250), "privateIp", "10.1.0." + (i % 250),
                    "port", 1000 + i, "protocolType", "TCP"));
        }
        return rules;
    }
}
