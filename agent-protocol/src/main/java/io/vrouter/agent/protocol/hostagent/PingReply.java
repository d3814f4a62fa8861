package io.vrouter.agent.protocol.hostagent;

/** {@code /host/ping}'s answer: {@code agentUuid} changes when the agent restarted. */
public record PingReply(boolean success, String error, String agentUuid) {
}
