package io.vrouter.agent.ha;

import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.agent.state.DesiredState;

/**
 * The router's part in a VRRP pair. {@link KeepalivedHa} runs keepalived and conntrackd in the router's namespace;
 * {@link RecordingHa} only records (the Simulator's routers, unit tests). Calls come under the agent's lock, one at
 * a time.
 */
public interface Ha extends AutoCloseable {

    /** Becomes one of a pair, or a plain router again ({@code enabled=false}); {@code state} gives the VIPs. */
    void configure(HaConfig config, DesiredState state);

    /** The VIPs of the state changed: they float with the master too. */
    void vipsChanged(DesiredState state);

    /** True while VIP addresses are keepalived's to add and remove, not the dataplane's. */
    boolean holdsVipAddresses();

    HaConfig config();

    /**
     * Announces again every floating address and VIP this router holds as master (gratuitous ARP on the nic of each):
     * the management node asks for it when it stood the partner down after a split brain, so neighbours that learnt the
     * partner's MAC meanwhile switch back at once. Returns how many addresses were announced: none unless master.
     */
    int announce();

    HaStatusBoard status();

    @Override
    default void close() {
    }
}
