package io.vrouter.agent.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;

/**
 * A reply of an agent's HTTP server (the router agent's, the host agent's), encoded with the protocol's JSON settings:
 * its status and body, or 500 and a fixed failure naming the agent when the body cannot be encoded. Each server writes
 * what this gives with its own HTTP framework; this module stays free of one.
 *
 * @param status the HTTP status to send
 * @param json   the body, JSON
 */
public record EncodedReply(int status, byte[] json) {
    public static final String CONTENT_TYPE = "application/json";
    private static final ObjectMapper JSON = AgentJson.newMapper();

    /** @param agent what the failure calls the server ("agent", "host agent") */
    public static EncodedReply of(int status, Object body, String agent) {
        try {
            return new EncodedReply(status, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            return new EncodedReply(500, ("{\"success\":false,\"error\":\"the " + agent + " could not encode its reply\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }
}
