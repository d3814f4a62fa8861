package io.vrouter.hostagent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.EncodedReply;

/** The JSON mapper and reply writer shared by {@link HostAgentServer} and {@link HostEnrollmentServer}. */
final class JsonReplies {

    static final ObjectMapper JSON = AgentJson.newMapper();

    private JsonReplies() {
    }

    /** Writes {@code body} as JSON with {@code status}; 500 and a fixed failure if it cannot be encoded. */
    static void write(Context ctx, int status, Object body) {
        EncodedReply reply = EncodedReply.of(status, body, "host agent");
        ctx.status(reply.status()).contentType(EncodedReply.CONTENT_TYPE).result(reply.json());
    }
}
