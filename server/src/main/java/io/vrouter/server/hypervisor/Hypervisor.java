package io.vrouter.server.hypervisor;

/**
 * A hypervisor backend. Every method is idempotent (starting a running VM, destroying a missing one succeed),
 * because a flow's rollback or a retry after a crash may call it again. A failure throws {@link HypervisorException}
 * naming the VM, the host and what went wrong.
 */
public interface Hypervisor {
    /** The cluster hypervisor type this backend serves, e.g. {@code Simulator}. */
    String type();

    /** Creates the VM on its host if needed and starts it. */
    void start(VmSpec vm);

    /**
     * The VM's place on its host without starting it (for the netns backend: its namespace and nics on their L2s),
     * so that the flow can do it while the VM's network services are made and {@link #start} is then short. Optional:
     * a backend without it does all in {@link #start}, which must never depend on it. Undone as a start is (destroy
     * or stop).
     */
    default void prepare(VmSpec vm) {
    }

    void stop(VmSpec vm);

    void reboot(VmSpec vm);

    /** Removes every trace of the VM from its host. */
    void destroy(VmSpec vm);

    /**
     * At management node start: the VMs the database says run on this backend's hosts. The backend makes its
     * hosts agree (recreates what is missing, removes what is stray).
     */
    void reconcile(java.util.List<VmSpec> running);
}
