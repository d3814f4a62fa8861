package io.vrouter.agent.protocol.hostagent;

/** {@code /network/unplug}: the port a {@link PlugCmd} with this suffix made. */
public record UnplugCmd(String portSuffix) {
}
