package io.vrouter.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncodedReplyTest {

    @Test
    void aReplyIsItsStatusAndItsJsonWithoutNulls() {
        EncodedReply reply = EncodedReply.of(400, AgentReply.failure("bad nic"), "agent");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(new String(reply.json(), StandardCharsets.UTF_8)).isEqualTo("{\"success\":false,\"error\":\"bad nic\"}");
    }

    /** Jackson cannot encode it: its one property throws. */
    public static final class Unencodable {
        public String getValue() {
            throw new IllegalStateException("no");
        }
    }

    @Test
    void aBodyThatCannotBeEncodedIs500AndAFixedFailureNamingTheAgent() {
        EncodedReply reply = EncodedReply.of(200, new Unencodable(), "host agent");
        assertThat(reply.status()).isEqualTo(500);
        assertThat(new String(reply.json(), StandardCharsets.UTF_8))
                .isEqualTo("{\"success\":false,\"error\":\"the host agent could not encode its reply\"}");
    }
}
