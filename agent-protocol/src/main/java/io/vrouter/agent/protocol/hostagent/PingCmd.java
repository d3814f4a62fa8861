package io.vrouter.agent.protocol.hostagent;

/** {@code /host/ping}. */
public record PingCmd(String hostUuid) {
}
