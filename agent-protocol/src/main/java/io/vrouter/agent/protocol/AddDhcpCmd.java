package io.vrouter.agent.protocol;

import java.util.List;

/** Body of {@code /adddhcp}; {@code rebuild=true} replaces every entry the agent has. */
public record AddDhcpCmd(List<DhcpInfo> dhcpEntries, boolean rebuild) {
}
