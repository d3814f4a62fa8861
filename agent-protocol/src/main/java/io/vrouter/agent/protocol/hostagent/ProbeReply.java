package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/** {@code /host/probe}'s answer: which of the asked addresses answered. */
public record ProbeReply(boolean success, String error, List<String> answered) {
    public ProbeReply {
        answered = answered == null ? List.of() : List.copyOf(answered);
    }
}
