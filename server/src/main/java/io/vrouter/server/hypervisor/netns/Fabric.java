package io.vrouter.server.hypervisor.netns;

import io.vrouter.server.hypervisor.HypervisorException;
import io.vrouter.server.hypervisor.NicSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The installation's L2 networks: Linux bridges that live, with every port on them, in one network namespace of
 * their own, {@code <prefix>fabric}.
 *
 * <p>Why a namespace of their own: on a host with {@code br_netfilter} loaded and {@code bridge-nf-call-iptables=1}
 * (Docker and Kubernetes hosts, and this project's build machines) every IPv4 frame a bridge of the host namespace
 * forwards is also run through the host namespace's netfilter hooks, which cost routed guest traffic 2-6 points of
 * throughput against a direct veth pair (docs/benchmarks.md). That sysctl is per network namespace, so the fabric turns it off for its own
 * bridges and leaves the host's setting, which other software on the host relies on, as it is.
 *
 * <p>What lives where: a bridge {@code <p>b<l2>} per L2; a nic's veth has its bridge end {@code <p>n<nic>} here and
 * its other end in the VM's namespace; a VLAN L2's sub-interface {@code <p>v<l2>} is created on the host on its
 * physical interface and moved here (a VLAN device may live in another namespace than its parent); the host
 * reaches an L2 (the management L3's gateway address) through a veth pair {@code <p>m<l2>} whose host end holds the
 * address and whose other end, of the same name, is a port of the bridge.
 *
 * <p>Every change is serialised on this object, the one fabric of this installation in this process.
 */
final class Fabric {
    private static final Logger LOG = LoggerFactory.getLogger(Fabric.class);
    /**
     * Run inside the fabric: bridged frames skip the netfilter hooks, links get no IPv6 (the L2s carry IPv4 only;
     * no link-local chatter). A key that does not exist (br_netfilter not loaded, or a kernel whose bridge sysctls
     * are not per namespace) has nothing to turn off.
     */
    private static final String SETTINGS = """
            for f in /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables \\
                     /proc/sys/net/bridge/bridge-nf-call-arptables; do
              if [ -e "$f" ]; then echo 0 > "$f" || exit 1; fi
            done
            for f in /proc/sys/net/ipv6/conf/default/disable_ipv6 /proc/sys/net/ipv6/conf/all/disable_ipv6; do
              if [ -e "$f" ]; then echo 1 > "$f" || exit 1; fi
            done
            """;

    private final LinuxHost host;
    private final NetnsNames names;
    private final BigTcp bigTcp;
    private final String ns;

    Fabric(LinuxHost host, NetnsNames names, BigTcp bigTcp) {
        this.host = host;
        this.names = names;
        this.bigTcp = bigTcp;
        this.ns = names.fabric();
    }

    String namespace() {
        return ns;
    }

    /** An L2 network as the fabric needs it: its uuid and, for a VLAN L2, its physical interface and VLAN id. */
    record L2(String uuid, String physicalInterface, Integer vlan) {
        static L2 of(NicSpec nic) {
            return new L2(nic.l2NetworkUuid(), nic.physicalInterface(), nic.vlan());
        }

        static L2 withoutVlan(String uuid) {
            return new L2(uuid, null, null);
        }
    }

    /**
     * A veth pair from port {@code port} of the L2's bridge to {@code ifname} in namespace {@code peerNs} (with
     * {@code mac} when not null), both ends up; the bridge is made first when missing. One step, so that a bridge
     * another VM's destroy finds unused cannot go between its creation and its first port.
     */
    synchronized void plug(L2 l2, String port, String peerNs, String ifname, String mac) {
        Map<String, String> links = host.linksIn(ns);
        String bridge = ensureBridge(l2, links);
        boolean exists = links.containsKey(port);
        if (exists && !host.run("ip", "-n", peerNs, "link", "show", "dev", ifname).succeeded()) {
            // the pair of a namespace deleted behind our back: the kernel reaps a dead namespace's links later, in
            // the background, so the bridge end can outlive it; without its other end it is useless, make a new pair
            LOG.info("veth {} has no end {} in {}: re-creating the pair", port, ifname, peerNs);
            host.run("ip", "-n", ns, "link", "del", port);
            exists = false;
        }
        if (!exists) {
            List<String> argv = new ArrayList<>(List.of("ip", "-n", ns, "link", "add", port, "type", "veth", "peer", "name", ifname));
            if (mac != null) {
                argv.addAll(List.of("address", mac));
            }
            argv.addAll(List.of("netns", peerNs));
            host.check(argv.toArray(String[]::new));
        }
        host.check("ip", "-n", ns, "link", "set", port, "master", bridge, "up");
        host.check("ip", "-n", peerNs, "link", "set", ifname, "up");
        // the VM's end decides how large the packets its TCP stack sends are; the bridge end, what it may carry back
        bigTcp.apply(peerNs, List.of(ifname));
        bigTcp.apply(ns, List.of(port));
    }

    /**
     * The L2's bridge, created if missing, with the VLAN sub-interface when the L2 has one and its interface exists
     * ({@code links}: the fabric's links now).
     */
    private String ensureBridge(L2 l2, Map<String, String> links) {
        String bridge = names.bridge(l2.uuid());
        if (!links.containsKey(bridge)) {
            ensureNamespace();
            host.check("ip", "-n", ns, "link", "add", bridge, "type", "bridge");
            host.check("ip", "-n", ns, "link", "set", bridge, "up");
        }
        // a no-VLAN L2 never touches its physical interface: enslaving it would take the host's own address away
        if (l2.vlan() != null && l2.physicalInterface() != null && host.linkExists(l2.physicalInterface())
                && !names.ownsLink(l2.physicalInterface()) && !links.containsKey(names.vlan(l2.uuid()))) {
            attachVlan(l2, bridge);
        }
        return bridge;
    }

    private void attachVlan(L2 l2, String bridge) {
        String sub = names.vlan(l2.uuid());
        if (!host.linkExists(sub)) { // else a move that a crash interrupted: finish it
            var r = host.run("ip", "link", "add", "link", l2.physicalInterface(), "name", sub, "type", "vlan",
                    "id", Integer.toString(l2.vlan()));
            if (!r.succeeded()) {
                // e.g. a kernel without 8021q: the L2 still works on this host, as a bridge alone
                LOG.warn("cannot create VLAN {} on {} for L2 {} ({}); the L2 is a bridge alone on this host",
                        l2.vlan(), l2.physicalInterface(), l2.uuid(), r.stderr().strip());
                return;
            }
        }
        host.check("ip", "link", "set", sub, "netns", ns);
        host.check("ip", "-n", ns, "link", "set", sub, "master", bridge, "up");
    }

    /** Removes a port (its veth pair goes with it); nothing when it is not there. */
    synchronized void unplug(String port) {
        if (host.namespaceExists(ns)) {
            host.run("ip", "-n", ns, "link", "del", port);
        }
    }

    /** Gives the host {@code address} (with prefix length) on the L2, through the L2's management port. */
    synchronized void ensureManagementAddress(String l2Uuid, String address) {
        String port = names.managementPort(l2Uuid);
        String bridge = ensureBridge(L2.withoutVlan(l2Uuid), host.linksIn(ns));
        if (!host.linkExists(port)) {
            host.check("ip", "link", "add", port, "type", "veth", "peer", "name", port, "netns", ns);
            disableIpv6OnHost(port);
        }
        host.check("ip", "-n", ns, "link", "set", port, "master", bridge, "up");
        host.check("ip", "addr", "replace", address, "dev", port);
        host.check("ip", "link", "set", port, "up");
    }

    /** Bridges with no port left (their VLAN sub-interface and management port do not count) go, with those. */
    synchronized void removeUnusedBridges() {
        Map<String, String> links = host.linksIn(ns);
        for (String bridge : links.keySet()) {
            if (!names.isBridge(bridge)) {
                continue;
            }
            String vlan = names.vlanOfBridge(bridge);
            String managementPort = names.managementPortOfBridge(bridge);
            boolean used = links.entrySet().stream().anyMatch(link -> bridge.equals(link.getValue())
                    && !link.getKey().equals(vlan) && !link.getKey().equals(managementPort));
            if (!used) {
                for (String link : List.of(managementPort, vlan, bridge)) {
                    if (links.containsKey(link)) {
                        host.run("ip", "-n", ns, "link", "del", link);
                    }
                }
                LOG.debug("removed unused bridge {}", bridge);
            }
        }
    }

    /**
     * At node start: the fabric's settings again (br_netfilter loaded since sets them to the host's defaults), and
     * the installation's links in the host namespace that the fabric does not account for go: bridges, VLAN
     * sub-interfaces and nic veths of the layout before the fabric (or a VLAN whose move a crash interrupted), and
     * management ports whose bridge is gone. Running VMs are plugged again by their start.
     */
    synchronized void reconcile() {
        if (host.namespaceExists(ns)) {
            applySettings();
        }
        Map<String, String> links = host.linksIn(ns);
        for (String link : host.links()) {
            if (!names.ownsLink(link)) {
                continue;
            }
            char kind = link.charAt(names.prefix().length());
            boolean oldLayout = kind == 'b' || kind == 'v' || kind == 'n';
            boolean orphanPort = kind == 'm' && !links.containsKey(names.bridgeOfManagementPort(link));
            if (oldLayout || orphanPort) {
                LOG.info("removing {} from the host namespace: the installation's L2s live in {}", link, ns);
                host.run("ip", "link", "del", link);
            }
        }
    }

    /** Removes the fabric with everything in it (the veth pairs of its ports go with it). */
    synchronized void remove() {
        if (host.namespaceExists(ns)) {
            var r = host.run("ip", "netns", "del", ns);
            if (!r.succeeded() && host.namespaceExists(ns)) {
                throw new HypervisorException("cannot remove namespace " + ns + ": " + r.stderr().strip());
            }
        }
    }

    private void ensureNamespace() {
        if (host.namespaceExists(ns)) {
            return;
        }
        var r = host.run("ip", "netns", "add", ns);
        if (!r.succeeded() && !host.namespaceExists(ns)) {
            throw new HypervisorException("cannot create namespace " + ns + ": " + r.stderr().strip());
        }
        applySettings();
    }

    private void applySettings() {
        var r = host.run("ip", "netns", "exec", ns, "busybox", "sh", "-c", SETTINGS);
        if (!r.succeeded()) {
            throw new HypervisorException("cannot turn off bridge netfilter and IPv6 in namespace " + ns + ": " + r.stderr().strip());
        }
    }

    private static void disableIpv6OnHost(String ifname) {
        // the host's end of a management port carries IPv4 only; no link-local chatter from the host
        try {
            Files.writeString(Path.of("/proc/sys/net/ipv6/conf", ifname, "disable_ipv6"), "1\n");
        } catch (IOException | RuntimeException e) {
            // IPv6 disabled on the host, or not there at all: nothing to do
        }
    }
}
