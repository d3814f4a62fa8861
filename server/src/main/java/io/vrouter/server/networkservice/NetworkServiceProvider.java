package io.vrouter.server.networkservice;

import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;

import java.util.List;

/**
 * A network service provider plugin: its type name, its backends (one per service type it offers), and a hook
 * to prepare what the backends need before they run, e.g. the virtual router provider makes sure the L3 has a
 * running router.
 */
public interface NetworkServiceProvider {
    /** e.g. {@code VirtualRouter} */
    String type();

    List<NetworkServiceBackend> backends();

    /** Before any backend runs for these nics of a starting VM (nics on L3s where this provider serves). */
    default void prepare(VmSpec vm, List<NicSpec> nics) {
    }
}
