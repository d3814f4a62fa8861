package io.vrouter.server.portforwarding;

import io.vrouter.server.vip.VipRules;

/**
 * An attached port forwarding rule as the virtual router provider needs it: {@code protocolType
 * vipIp:vipPortStart-vipPortEnd -> guestIp:privatePortStart-privatePortEnd}, from {@code allowedCidr} only when set.
 *
 * @param vipL3NetworkUuid   the VIP's (public) L3
 * @param guestL3NetworkUuid the nic's L3: its router applies the rule
 * @param vmState            the nic's VM state when the view was read
 */
public record PortForwardingView(String uuid, String name, String state, String vipUuid, String vipIp,
                                 String vipNetmask, String vipGateway, String vipL3NetworkUuid, String vmNicUuid,
                                 String vmInstanceUuid, String guestIp, String guestMac, String guestL3NetworkUuid,
                                 String vmState, int vipPortStart, int vipPortEnd, int privatePortStart,
                                 int privatePortEnd, String protocolType, String allowedCidr)
        implements VipRules.ActiveRule {
}
