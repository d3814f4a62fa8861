package io.vrouter.server.eip;

/**
 * Where EIPs meet routers: the virtual router provider implements this and registers it with
 * {@link Eips#setApplier}; until then a no-op stands in, so EIPs are only records.
 *
 * <p>Called only for <em>active</em> EIPs: attached, Enabled, on an Enabled VIP, the nic's VM Running. A change
 * to an EIP whose VM is stopped calls nothing: the provider's sync on VM start (or router reconnect) reads
 * {@link Eips#activeEipsOnGuestL3} and pushes what is there. The implementation pushes to the router of the
 * nic's guest L3 ({@link EipView#guestL3NetworkUuid}), the VIP first and then the EIP; a revocation removes the
 * EIP (and the agent drops its conntrack entries) and the VIP once nothing else on the router uses it.
 *
 * <p>Ordering and failures, the rule being "a router never serves more than the database says":
 * <ul>
 *   <li>{@link #eipAttached} runs after the attaching transaction committed. If it throws, the API call fails
 *       with that error (an {@code ApiException} as thrown, anything else as SYS.1006), the attachment is undone
 *       in the database (CreateEip with a nic: the EIP is deleted), and {@link #eipDetached} is called once,
 *       its failure only logged, to clean up a half-done push.</li>
 *   <li>{@link #eipDetached} runs <em>before</em> the database forgets the EIP (detach, delete, disable, VIP
 *       delete or disable). If it throws, the API call fails and the database still holds the EIP as it was.
 *       Only when a VM is destroyed is a failed revocation logged and the detach done anyway: the router's next
 *       sync removes what the database no longer holds. (The VM is {@code Destroying} by then; its EIP is
 *       revoked as if active, since it may have been Running a moment before: a revocation must be idempotent.)</li>
 * </ul>
 * Calls for one EIP are not serialised here; an implementation that turns each call into a coalesced "sync the
 * router of this guest L3 from the database" (run on the router's serial queue) is immune to reordering.
 */
public interface EipApplier {
    EipApplier NONE = new EipApplier() {
        @Override
        public void eipAttached(EipView eip) {
        }

        @Override
        public void eipDetached(EipView eip) {
        }
    };

    /**
     * Before an EIP is created on or attached to a nic, inside no transaction: a provider's own checks, e.g. that
     * the VIP is on the public L3 of the router serving the nic's L3, or that the L3 has the Eip service. Throw an
     * {@code ApiException} to refuse; nothing is written then.
     */
    default void checkAttach(String vipUuid, String vmNicUuid) {
    }

    void eipAttached(EipView eip);

    void eipDetached(EipView eip);
}
