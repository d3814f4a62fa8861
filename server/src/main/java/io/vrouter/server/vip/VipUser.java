package io.vrouter.server.vip;

import io.vrouter.server.hypervisor.VmSpec;
import org.jooq.DSLContext;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * A kind of resource that stands on VIPs (EIPs, port forwarding rules). The VIP package calls it when the VIP is
 * deleted, asks it which routers a change of the VIP's state concerns, and asks it on behalf of the other kinds
 * what stands on a VIP: a kind reads only its own table, so the kinds learn of each other through {@link Vips}.
 */
public interface VipUser {
    /**
     * One rule of a kind standing on a VIP, for the other kinds' checks and messages.
     *
     * @param noun          the kind, e.g. {@code EIP}
     * @param needsVipAlone whether the kind takes its VIP for itself (an EIP): nothing else may stand beside it
     */
    record Use(String useFor, String noun, boolean needsVipAlone, String ruleUuid, String ruleName) {
    }

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

    /** Whether any rule of this kind, in any state, reaches the nic. */
    boolean anyOnNic(String nicUuid);

    /** Detaches every rule of this kind from the VM's nics, as VM destroy needs (a failing sync is only logged). */
    void detachAllOfVm(VmSpec vm);

    /** A rule of this kind on the VIP in any state, read in the caller's transaction (which holds the VIP's lock). */
    Optional<Use> useOf(DSLContext tx, String vipUuid);

    /** The VIPs of this kind's Enabled rules attached to any of these nics (nics of Running VMs, one guest L3's). */
    Set<String> vipsOfEnabledRulesOn(Collection<String> nicUuids);
}
