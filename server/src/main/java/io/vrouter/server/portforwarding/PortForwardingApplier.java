package io.vrouter.server.portforwarding;

/**
 * Where port forwarding rules meet routers: the virtual router provider implements this and registers it with
 * {@link PortForwardingRules#setApplier}; until then a no-op stands in.
 *
 * <p>Same contract as {@link io.vrouter.server.eip.EipApplier}: called only for <em>active</em> rules (attached,
 * Enabled, on an Enabled VIP, the VM Running); {@link #ruleAttached} after the commit, undone in the database
 * when it throws (CreatePortForwardingRule with a nic: the rule is deleted) with one best-effort
 * {@link #ruleDetached} to clean up; {@link #ruleDetached} before the database forgets the rule, a failure
 * leaving the database as it was (except on VM destroy, where it is logged). The implementation pushes to the
 * router of the nic's guest L3, the VIP first and then the rule; a revocation removes the rule (and the agent
 * drops its conntrack entries), and the VIP once nothing else on the router uses it. Turning each call into a
 * coalesced sync of that router from {@link PortForwardingRules#activeRulesOnGuestL3} makes it order-proof.
 */
public interface PortForwardingApplier {
    PortForwardingApplier NONE = new PortForwardingApplier() {
        @Override
        public void ruleAttached(PortForwardingView rule) {
        }

        @Override
        public void ruleDetached(PortForwardingView rule) {
        }
    };

    /**
     * Before a rule is created on or attached to a nic, inside no transaction: the provider's own checks (VIP on
     * the router's public L3, PortForwarding service on the nic's L3). Throw an {@code ApiException} to refuse.
     */
    default void checkAttach(String vipUuid, String vmNicUuid) {
    }

    void ruleAttached(PortForwardingView rule);

    void ruleDetached(PortForwardingView rule);
}
