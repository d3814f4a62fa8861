package io.vrouter.hostagent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.vrouter.agent.protocol.AgentJson;

/** The JSON mapper and reply writer shared by {@link HostAgentServer} and {@link HostEnrollmentServer}. */
final class JsonReplies {

    static final ObjectMapper JSON = AgentJson.newMapper();
    private static final byte[] ENCODING_FAILED =
            "{\"success\":false,\"error\":\"the host agent could not encode its reply\"}".getBytes();

    private JsonReplies() {
    }

    /** Writes {@code body} as JSON with {@code status}; 500 and a fixed failure if it cannot be encoded. */
    static void write(Context ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            status = 500;
            bytes = ENCODING_FAILED;
        }
        ctx.status(status).contentType("application/json").result(bytes);
    }
}
