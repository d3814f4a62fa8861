package io.vrouter.agent.protocol;

/**
 * A port forwarding rule: {@code protocolType} traffic to {@code vipIp:vipPortStart-vipPortEnd} goes to
 * {@code privateIp:privatePortStart-privatePortEnd}, port by port with the same offset; optionally only from
 * {@code allowedCidr}.
 */
public record PortForwardingRuleTO(
        String uuid,
        Integer vipPortStart,
        Integer vipPortEnd,
        Integer privatePortStart,
        Integer privatePortEnd,
        String protocolType,
        String vipIp,
        String publicMac,
        String privateIp,
        String privateMac,
        String allowedCidr,
        boolean snatInboundTraffic) {
}
