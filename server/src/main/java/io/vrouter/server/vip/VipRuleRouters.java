package io.vrouter.server.vip;

/**
 * Where rules on VIPs (EIPs, port forwarding) meet routers: the one interface the router provider implements for
 * every kind, registered with {@link Vips#setRouters}; until then {@link #NONE} stands in and rules are records only.
 *
 * <p>It is told <em>which router</em> to bring in line, never what to apply: {@link VipRules} changes the database
 * first and then asks for a sync of the guest L3's router, which reads the rules from the database when it runs.
 * That order is what keeps a router from ever holding a view older than a change already made. When the sync
 * fails, {@code VipRules} undoes its change (an attach is detached again, a detach re-attached) and asks for one more
 * sync, so the API reports "the change was undone" or "nothing was changed" as before.
 */
public interface VipRuleRouters {
    VipRuleRouters NONE = new VipRuleRouters() {
        @Override
        public void checkAttach(VipRules.Kind<?> kind, String vipUuid, String vmNicUuid) {
        }

        @Override
        public void syncGuestL3(String guestL3Uuid) {
        }
    };

    /**
     * Before a rule of this kind is created on or attached to a nic, inside no transaction: the provider's own checks
     * (the VIP on the public L3 of the router serving the nic's L3, the kind's service on that L3). Throw an
     * {@code ApiException} to refuse; nothing is written then.
     */
    void checkAttach(VipRules.Kind<?> kind, String vipUuid, String vmNicUuid);

    /**
     * The database changed what the router serving this guest L3 should hold. Returns once a sync of that router that
     * started after this call has finished (at once when no router is up there: its next connect sends everything);
     * throws when that sync failed.
     */
    void syncGuestL3(String guestL3Uuid);

    /**
     * As {@link #syncGuestL3}, when the database changed only these rules (of any kind; their VIPs follow from them):
     * the router may then read just those rules, so a change costs the same at ten rules as at ten thousand. Every
     * change of anything else a rule depends on (a VM started or stopped, a VIP's state, the L3's services) syncs
     * the whole router through its own path.
     */
    default void syncRules(String guestL3Uuid, java.util.Set<String> ruleUuids) {
        syncGuestL3(guestL3Uuid);
    }
}
