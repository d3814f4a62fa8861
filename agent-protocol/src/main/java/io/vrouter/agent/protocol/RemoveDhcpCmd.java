package io.vrouter.agent.protocol;

import java.util.List;

/** Body of {@code /removedhcp}; removed entries also lose their lease. */
public record RemoveDhcpCmd(List<DhcpInfo> dhcpEntries) {
}
