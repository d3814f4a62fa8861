package io.vrouter.hostagent;


import java.time.Duration;
import java.util.List;

/**
 * The VMs of a host as network namespaces: a namespace {@code <prefix>-<vm uuid>} per VM with one veth per nic,
 * {@code eth<deviceId>} inside with the nic's MAC, its other end a port of the nic's L2 bridge in the host's
 * {@link Fabric}; an appliance's nics get their addresses here too (as ZStack's appliance bootstrap gives them).
 *
 * <p>Every operation is idempotent and takes the whole wanted shape of the VM's network ({@link VmNetwork}), so
 * that a caller (the hypervisor today, a host agent's HTTP handler next) can repeat it after a failure or a
 * restart. Callers serialise operations on one VM; the fabric serialises bridge changes host-wide.
 */
final class VmNamespaces {
    /** How long a VM's processes get from SIGTERM to SIGKILL (the agent stops its dnsmasq in that time). */
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /**
     * A nic as the host plumbs it.
     *
     * @param address        the address with its prefix length ({@code 10.0.0.5/24}) the host gives it, or null when
     *                       the guest gets one itself (DHCP)
     * @param defaultGateway the default route's next hop the host gives the VM through this nic, or null
     */
    record Nic(String uuid, int deviceId, String mac, Fabric.L2 l2, String address, String defaultGateway) {
        String ifname() {
            return NetnsNames.guestIfname(deviceId);
        }
    }

    /** A VM's network on a host: its namespace and nics. {@code name} is for messages. */
    record VmNetwork(String vmUuid, String name, List<Nic> nics) {
        VmNetwork {
            nics = List.copyOf(nics);
        }
    }

    private final NetnsHost host;
    private final LinuxHost kernel;
    private final Fabric fabric;

    VmNamespaces(NetnsHost host, Fabric fabric) {
        this.host = host;
        this.kernel = host.kernel();
        this.fabric = fabric;
    }

    /** The namespace of a VM on this host. */
    String namespaceOf(String vmUuid) {
        return host.names().namespace(vmUuid);
    }

    /** Ensures the VM's namespace exists with every nic plugged into its L2 and up, with its address when it has one. */
    void ensure(VmNetwork vm) {
        String ns = namespaceOf(vm.vmUuid());
        kernel.addNamespace(ns);
        for (Nic nic : vm.nics()) {
            fabric.plugBridgeEnd(nic.l2(), host.names().hostVeth(nic.uuid()), ns, nic.ifname(), nic.mac());
        }
        // the VM's ends in one visit of its namespace: up, with the packet sizes its TCP stack sends
        List<String> ifnames = vm.nics().stream().map(Nic::ifname).toList();
        kernel.rtnetlink().in(ns, s -> {
            s.setUp("lo", 0);
            ifnames.forEach(ifname -> s.setUp(ifname, 0));
            fabric.bigTcp().apply(s, ns, ifnames);
            return null;
        });
        StringBuilder batch = new StringBuilder();
        for (Nic nic : vm.nics()) {
            if (nic.address() == null) {
                continue;
            }
            batch.append("addr replace ").append(nic.address()).append(" dev ").append(nic.ifname()).append('\n');
            if (nic.defaultGateway() != null) {
                batch.append("route replace default via ").append(nic.defaultGateway()).append(" dev ").append(nic.ifname()).append('\n');
            }
        }
        if (!batch.isEmpty()) {
            var r = kernel.runWithInput(batch.toString(), "ip", "-n", ns, "-batch", "-");
            if (!r.succeeded()) {
                throw new HostAgentException("cannot configure the nics of " + vm.name() + " (" + vm.vmUuid() + ") in " + ns
                        + ": " + r.stderr().strip());
            }
        }
    }

    /**
     * A stopped VM: no process left in its namespace (SIGTERM, SIGKILL after {@link #STOP_GRACE}), its nics without
     * addresses and down. The namespace and its links stay for the next start. Nothing when the namespace is gone.
     */
    void stop(VmNetwork vm) {
        String ns = namespaceOf(vm.vmUuid());
        if (!kernel.namespaceExists(ns)) {
            return;
        }
        kernel.killAllIn(ns, STOP_GRACE);
        for (Nic nic : vm.nics()) {
            kernel.run("ip", "-n", ns, "-4", "addr", "flush", "dev", nic.ifname());
            kernel.run("ip", "-n", ns, "link", "set", "dev", nic.ifname(), "down");
        }
    }

    /** No trace of the VM left: namespace, processes, files, resolver, the bridge ends of its nics. */
    void remove(VmNetwork vm) {
        removeNamespace(vm.vmUuid());
        for (Nic nic : vm.nics()) {
            fabric.unplug(host.names().hostVeth(nic.uuid()));
        }
    }

    /** The VM's namespace with its processes, its {@code /etc/netns} directory and its files; whatever is there. */
    void removeNamespace(String vmUuid) {
        String ns = namespaceOf(vmUuid);
        if (kernel.namespaceExists(ns)) {
            kernel.killAllIn(ns, STOP_GRACE);
            kernel.deleteNamespace(ns);
        }
        LinuxHost.deleteTree(NetnsHost.etcOf(ns));
        LinuxHost.deleteTree(host.vmDir(vmUuid));
    }
}
