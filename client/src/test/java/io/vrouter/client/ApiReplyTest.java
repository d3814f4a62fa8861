package io.vrouter.client;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiReplyTest {

    @Test
    void theErrorEnvelopeIsRead() {
        ApiReply reply = new ApiReply(400, "{\"error\":{\"code\":\"SYS.1007\",\"details\":\"name: missing\"}}");
        assertThat(reply.failed()).isTrue();
        assertThat(reply.ok()).isFalse();
        assertThat(reply.errorCode()).isEqualTo("SYS.1007");
        assertThat(reply.errorDetails()).isEqualTo("name: missing");
    }

    @Test
    void aBodyThatIsNotJsonIsKeptRawAndSaidSo() {
        ApiReply reply = new ApiReply(502, "<html>bad gateway</html>");
        assertThat(reply.json()).isNull();
        assertThat(reply.failed()).isTrue();
        assertThat(reply.errorCode()).isNull();
        assertThat(reply.raw()).isEqualTo("<html>bad gateway</html>");
        assertThatThrownBy(reply::body).isInstanceOf(IllegalStateException.class)
                .hasMessage("the node replied with HTTP 502 and a body that is not JSON: <html>bad gateway</html>");
    }

    @Test
    void inventoriesAndAnEmptyBody() {
        ApiReply reply = new ApiReply(200, "{\"inventories\":[{\"uuid\":\"a\"}]}");
        assertThat(reply.ok()).isTrue();
        assertThat(reply.failed()).isFalse();
        assertThat(reply.inventories().get(0).get("uuid").asText()).isEqualTo("a");
        assertThat(new ApiReply(204, "").body().isNull()).isTrue();
    }

    @Test
    void parametersAndConditionsComeInPairsAndTriples() {
        assertThat(ApiClient.params("name", "z1", "limit", 5)).containsExactly(Map.entry("name", "z1"), Map.entry("limit", 5));
        assertThat(ApiClient.conditions("state", "=", "Running"))
                .isEqualTo(List.of(Map.of("name", "state", "op", "=", "value", "Running")));
        assertThatThrownBy(() -> ApiClient.params("name")).hasMessage("parameters come as name, value pairs");
        assertThatThrownBy(() -> ApiClient.conditions("state", "=")).hasMessage("conditions come as name, op, value triples");
    }
}
