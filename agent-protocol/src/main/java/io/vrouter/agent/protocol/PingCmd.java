package io.vrouter.agent.protocol;

/** Body of {@code /ping}. */
public record PingCmd(String uuid) {
}
