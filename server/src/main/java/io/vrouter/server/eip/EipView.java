package io.vrouter.server.eip;

import io.vrouter.server.vip.VipRules;

/**
 * An attached EIP as the virtual router provider needs it: the VIP side (address on the router's public nic)
 * and the guest side (the nic behind it, on the guest L3 whose router serves it).
 *
 * @param vipL3NetworkUuid   the VIP's (public) L3
 * @param guestL3NetworkUuid the nic's L3: its router applies the EIP
 * @param vmState            the nic's VM state when the view was read
 */
public record EipView(String uuid, String name, String state, String vipUuid, String vipIp, String vipNetmask,
                      String vipGateway, String vipL3NetworkUuid, String vmNicUuid, String vmInstanceUuid,
                      String guestIp, String guestMac, String guestL3NetworkUuid, String vmState)
        implements VipRules.ActiveRule {
}
