package io.vrouter.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class ApiClientTest {

    @Test
    void urlMustBeAbsoluteHttp() {
        assertThat(ApiClient.forUrl("http://127.0.0.1:8080//").baseUrl()).hasToString("http://127.0.0.1:8080");
        assertThat(ApiClient.forUrl(" https://mn.example/vrouter/ ").baseUrl()).hasToString("https://mn.example/vrouter");
        assertThatThrownBy(() -> ApiClient.forUrl("127.0.0.1:8080")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server URL must look like http://host:port, got '127.0.0.1:8080'");
        assertThatThrownBy(() -> ApiClient.forUrl("ftp://h")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server URL must look like http://host:port, got 'ftp://h'");
        assertThatThrownBy(() -> ApiClient.forUrl("http://h h")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server URL must look like http://host:port, got 'http://h h'");
    }

    @Test
    void callPostsJsonWithTheSessionHeader() throws Exception {
        try (FakeServer server = new FakeServer()) {
            ApiClient client = ApiClient.forUrl(server.url() + "/");
            client.useSession("s1");
            ApiReply reply = client.call("QueryZone", new ObjectMapper().readTree("{\"conditions\":[]}"));
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.failed()).isFalse();
            assertThat(reply.json().get("total").asInt()).isZero();
            assertThat(server.requests()).containsExactly(
                    new FakeServer.Request("POST", "/v1/api/QueryZone", "OAuth s1", "{\"conditions\":[]}"));
        }
    }

    @Test
    void errorEnvelopeFailsEvenWithStatus200() throws Exception {
        try (FakeServer server = new FakeServer().reply("X", 200, "{\"error\":{\"code\":\"SYS.1006\"}}")) {
            ApiReply reply = ApiClient.forUrl(server.url()).call("X", new ObjectMapper().createObjectNode());
            assertThat(reply.failed()).isTrue();
            assertThat(reply.unauthorized()).isFalse();
            assertThat(server.requests().get(0).authorization()).isNull();
        }
    }

    @Test
    void openApiFetchFailsOnANonJsonAnswer() throws Exception {
        try (FakeServer server = new FakeServer().withoutSchema()) {
            assertThatThrownBy(() -> ApiClient.forUrl(server.url()).fetchOpenApi()).isInstanceOf(IOException.class)
                    .hasMessage("GET " + server.url() + "/v1/openapi.json answered HTTP 404");
        }
    }

    @Test
    void interruptedCallIsCancelled() throws Exception {
        try (FakeServer server = new FakeServer()) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> ApiClient.forUrl(server.url()).call("Slow", new ObjectMapper().createObjectNode())).isInstanceOf(CallCancelledException.class)
                    .hasMessage("Slow cancelled; the server may still complete it");
        } finally {
            Thread.interrupted();
        }
    }
}
