package io.vrouter.server.vip;

import java.util.Set;

/**
 * A kind of resource that stands on VIPs (EIPs, port forwarding rules). The VIP package calls it when the VIP is
 * deleted, and asks it which routers a change of the VIP's state concerns.
 */
public interface VipUser {
    /** ZStack's useFor name, e.g. {@code Eip}. */
    String useFor();

    /**
     * Removes everything of this kind on the VIP, revoking what is applied on a router first. Throws (with the
     * records not yet revoked left in place) when a revocation fails.
     */
    void deleteAllOnVip(String vipUuid);

    /**
     * The guest L3s whose routers serve an Enabled rule of this kind on the VIP to a Running VM: what must be synced
     * when the VIP is enabled or disabled.
     */
    Set<String> guestL3sOfRulesOn(String vipUuid);
}
