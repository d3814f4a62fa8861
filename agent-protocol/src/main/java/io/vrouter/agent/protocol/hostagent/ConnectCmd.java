package io.vrouter.agent.protocol.hostagent;

/** {@code /host/connect}: the management node introduces itself; {@code hostUuid} is for the agent's logs. */
public record ConnectCmd(String hostUuid) {
}
