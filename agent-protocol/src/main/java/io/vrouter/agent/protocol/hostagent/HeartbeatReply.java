package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/**
 * {@code /host/heartbeat}'s answer: {@code agentUuid} as in a ping; {@code fenced} the routers this host stopped by
 * its self-fence, which stay stopped until the node reconciles the host (the node alone knows whether they moved).
 */
public record HeartbeatReply(boolean success, String error, String agentUuid, List<String> fenced) {
    public HeartbeatReply {
        fenced = fenced == null ? List.of() : List.copyOf(fenced);
    }
}
