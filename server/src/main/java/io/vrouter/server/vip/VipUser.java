package io.vrouter.server.vip;

/**
 * A kind of resource that stands on VIPs (EIPs, port forwarding rules). The VIP package calls it when a VIP's
 * state changes or the VIP is deleted, so that what is applied on routers follows.
 */
public interface VipUser {
    /** ZStack's useFor name, e.g. {@code Eip}. */
    String useFor();

    /**
     * Removes everything of this kind on the VIP, revoking what is applied on a router first. Throws (with the
     * records not yet revoked left in place) when a revocation fails.
     */
    void deleteAllOnVip(String vipUuid);

    /** Called before a VIP is disabled: revoke what is active on it. Throwing keeps the VIP enabled. */
    void beforeVipDisabled(String vipUuid);

    /** Called after a VIP was enabled: apply what became active on it. */
    void afterVipEnabled(String vipUuid);
}
