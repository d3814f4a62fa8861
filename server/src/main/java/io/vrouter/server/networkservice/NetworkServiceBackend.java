package io.vrouter.server.networkservice;

import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;

/**
 * One service type of one provider (the virtual router's DHCP, say). A second provider implements its own
 * backends; the framework only asks which backend serves a type on an L3 and calls it.
 */
public interface NetworkServiceBackend {
    /** One of {@link NetworkServiceType}. */
    String serviceType();

    /** A user VM's nic on an L3 with this service came up (VM created, started, rebooted). */
    void apply(VmSpec vm, NicSpec nic);

    /**
     * True (the default) for services the guest needs while it boots, applied before the hypervisor starts it
     * (DHCP); false for those that follow a running VM (EIP, port forwarding: the database counts a rule as
     * active once its VM runs), applied right after.
     */
    default boolean appliesBeforeBoot() {
        return true;
    }

    /** The nic went away for now (VM stopped) or for good (VM destroyed, or its start rolled back). */
    void release(VmSpec vm, NicSpec nic, boolean destroyed);
}
