package io.vrouter.server.vm;

import io.vrouter.server.hypervisor.VmSpec;

/**
 * Where the network service framework hooks into a VM's life. Called on the VM's serial queue, so calls for one VM
 * never overlap. A {@code before...}/{@code pre...} hook that throws aborts the operation (and the VM flow rolls
 * back); an {@code after...} hook that throws is logged and the operation still counts as done, because the VM
 * already is in its new state.
 */
public interface VmLifecycleExtension {
    /** Before the hypervisor starts the VM (create or start): e.g. make sure the L3's router exists, push DHCP. */
    default void preStart(VmSpec vm) {
    }

    /** The start failed after {@link #preStart} succeeded: undo it. */
    default void rollbackStart(VmSpec vm) {
    }

    /** The VM is running. */
    default void afterStart(VmSpec vm) {
    }

    /** The VM was rebooted. */
    default void afterReboot(VmSpec vm) {
    }

    /** The VM stopped: e.g. withdraw its DHCP entry and rules. */
    default void afterStop(VmSpec vm) {
    }

    /** The VM is about to be destroyed: e.g. detach what uses its nics. */
    default void beforeDestroy(VmSpec vm) {
    }

    /** The VM is gone and its addresses released. */
    default void afterDestroy(VmSpec vm) {
    }
}
