package io.vrouter.hostagent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What of the installation a host holds that nobody wants: the namespaces of VMs that do not run, the layout of
 * older versions, bridges without ports; and, for tests and {@code demo --clean}, everything of the installation.
 * Each operation is given the wanted set, or wants nothing, so it can be repeated.
 */
final class HostCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(HostCleanup.class);

    private final NetnsHost host;
    private final LinuxHost kernel;
    private final Fabric fabric;
    private final VmNamespaces namespaces;

    HostCleanup(NetnsHost host, Fabric fabric, VmNamespaces namespaces) {
        this.host = host;
        this.kernel = host.kernel();
        this.fabric = fabric;
        this.namespaces = namespaces;
    }

    /**
     * Removes the namespaces of VMs not in {@code runningVmUuids} (with their processes, files and resolver; a
     * stopped VM's namespace is made again by its next start), gives the fabric its settings back and removes what
     * the host namespace holds of an older layout ({@link Fabric#reconcile()}). What is missing for the running VMs
     * is their own start's business.
     */
    void removeAllBut(Set<String> runningVmUuids) {
        for (String ns : kernel.namespaces()) {
            String vmUuid = host.names().vmOfNamespace(ns);
            if (vmUuid != null && !runningVmUuids.contains(vmUuid)) {
                LOG.info("removing stray namespace {} from host {}", ns, host.id());
                namespaces.removeNamespace(vmUuid);
            }
        }
        fabric.reconcile();
    }

    /** Bridges left without ports go, with their VLAN sub-interface and management port. */
    void removeUnusedBridges() {
        fabric.removeUnusedBridges();
    }

    /**
     * Removes everything of this installation from the host whatever anyone wants: every namespace with its
     * processes (VMs and extras), the fabric with every bridge, VLAN interface and veth, every link of the
     * installation left in the host namespace, every {@code /etc/netns} directory, every warm spare agent. Every step runs; the first
     * failure is thrown with the later ones suppressed onto it.
     */
    void removeEverything() {
        NetnsNames names = host.names();
        List<RuntimeException> failures = new ArrayList<>();
        for (String ns : kernel.namespaces()) {
            String vmUuid = names.vmOfNamespace(ns);
            try {
                if (vmUuid != null) {
                    namespaces.removeNamespace(vmUuid);
                } else if (names.ownsExtraNamespace(ns) || names.ownsSpareNamespace(ns)) {
                    kernel.killAllIn(ns, VmNamespaces.STOP_GRACE);
                    kernel.run("ip", "netns", "del", ns);
                    LinuxHost.deleteTree(NetnsHost.etcOf(ns));
                }
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        try {
            fabric.remove();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        for (String link : kernel.links()) {
            if (names.ownsLink(link)) {
                kernel.run("ip", "link", "del", link);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
