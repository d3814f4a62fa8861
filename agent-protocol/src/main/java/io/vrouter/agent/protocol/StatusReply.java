package io.vrouter.agent.protocol;

import java.util.List;

/** Reply of {@code /status}: the agent's whole desired (and, when {@code inSync}, applied) state. */
public record StatusReply(
        boolean success,
        String error,
        String uuid,
        String version,
        String md5,
        boolean inSync,
        List<NicInfo> nics,
        List<DhcpInfo> dhcpEntries,
        List<DnsInfo> dns,
        List<SNATInfo> snats,
        List<VipTO> vips,
        List<EipTO> eips,
        List<PortForwardingRuleTO> portForwardingRules) {
}
