package io.vrouter.hostagent;

import io.vrouter.agent.protocol.hostagent.L2TO;
import io.vrouter.platform.net.Ipv4Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * <p>What lives where: a bridge {@code <p>b<l2>} per L2 (a VXLAN L2's vxlan device {@code <p>e<l2>} is one of
 * its ports: {@link VxlanFabric}); a nic's veth has its bridge end {@code <p>n<nic>} here and
 * its other end in the VM's namespace; a VLAN L2's sub-interface {@code <p>v<l2>} is created on the host on its
 * physical interface and moved here (a VLAN device may live in another namespace than its parent); the host
 * reaches an L2 (the management L3's gateway address) through a veth pair {@code <p>m<l2>} whose host end holds the
 * address and whose other end, of the same name, is a port of the bridge.
 *
 * <p>A fabric acts on the host it is given ({@link NetnsHost}); every change is serialised on this object, the one
 * fabric of this installation on that host in this process. Its operations are idempotent ("plug this port into
 * this L2", "give the host this address on this L2") so that a caller can repeat them after a failure.
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

    private final LinuxHost kernel;
    private final NetnsNames names;
    private final BigTcp bigTcp;
    private final String ns;
    private final boolean bridgesWithoutUplink;

    /**
     * The fabric of {@code host}; its links get {@code bigTcp}'s packet size. {@code bridgesWithoutUplink}: an L2
     * whose physical interface the host lacks is a bridge alone instead of a refusal (see {@link HostAgentSettings}).
     */
    Fabric(NetnsHost host, BigTcp bigTcp, boolean bridgesWithoutUplink) {
        this.kernel = host.kernel();
        this.names = host.names();
        this.bigTcp = bigTcp;
        this.ns = names.fabric();
        this.bridgesWithoutUplink = bridgesWithoutUplink;
        kernel.rtnetlink().keepOpen(ns); // every VM's start talks to the fabric: one socket, no thread per request
    }

    /** The fabric of {@code host} where a missing physical interface leaves a bridge alone (tests, one host). */
    Fabric(NetnsHost host, BigTcp bigTcp) {
        this(host, bigTcp, true);
    }

    String namespace() {
        return ns;
    }

    /**
     * An L2 network as the fabric needs it: its uuid, its kind ({@link L2TO#NO_VLAN}, {@link L2TO#VLAN}; null for
     * "the bridge only", as for a port of the host's own on an L2 that its VMs already realized), the physical
     * interface it goes over, its VLAN id.
     */
    record L2(String uuid, String type, String physicalInterface, Integer vlan) {
        static L2 withoutVlan(String uuid) {
            return new L2(uuid, null, null, null);
        }
    }

    /**
     * A veth pair from port {@code port} of the L2's bridge to {@code ifname} in namespace {@code peerNs} (with
     * {@code mac} when not null), both ends up; the bridge is made first when missing. One step, so that a bridge
     * another VM's destroy finds unused cannot go between its creation and its first port.
     */
    synchronized void plug(L2 l2, String port, String peerNs, String ifname, String mac) {
        plugBridgeEnd(l2, port, peerNs, ifname, mac);
        kernel.rtnetlink().in(peerNs, s -> {
            s.setUp(ifname, 0);
            // the VM's end decides how large the packets its TCP stack sends are
            bigTcp.apply(s, peerNs, List.of(ifname));
            return null;
        });
    }

    /**
     * {@link #plug} but for the far end, which is left in {@code peerNs} down, without its packet sizes: the caller
     * sets it up there with {@link #bigTcp()}'s sizes, with the other requests it has for that namespace.
     */
    synchronized void plugBridgeEnd(L2 l2, String port, String peerNs, String ifname, String mac) {
        Map<String, String> links = kernel.linksIn(ns);
        String bridge = ensureBridge(l2, links);
        boolean exists = links.containsKey(port);
        if (exists && !kernel.linkExistsIn(peerNs, ifname)) {
            // the pair of a namespace deleted behind our back: the kernel reaps a dead namespace's links later, in
            // the background, so the bridge end can outlive it; without its other end it is useless, make a new pair
            LOG.info("veth {} has no end {} in {}: re-creating the pair", port, ifname, peerNs);
            kernel.rtnetlink().in(ns, s -> s.delete(port));
            exists = false;
        }
        boolean create = !exists;
        // over rtnetlink from this process: one request makes the pair with its VM end in the VM's namespace, its
        // bridge end on the bridge and up (what `ip link add ... master ... up type veth peer ... netns ...` does),
        // where a process per step cost 3-40 ms each (docs/benchmarks.md, create -> lease)
        kernel.rtnetlink().in(ns, s -> {
            Rtnetlink.Link onBridge = s.link(bridge);
            if (onBridge == null) {
                throw new HostAgentException("bridge " + bridge + " of L2 " + l2.uuid() + " vanished from " + ns + " while plugging " + port);
            }
            if (create) {
                s.addVeth(port, onBridge.index(), ifname, mac, peerNs);
            } else {
                s.setUp(port, onBridge.index());
            }
            // the bridge end: what it may carry back to the VM
            bigTcp.apply(s, ns, List.of(port));
            return null;
        });
    }

    /** The packet sizes this fabric's links get. */
    BigTcp bigTcp() {
        return bigTcp;
    }

    /**
     * The L2's bridge, created if missing, with its uplink ({@code links}: the fabric's links now): over the physical
     * interface itself (no VLAN) or over a VLAN sub-interface of it. This is where a kind of L2 becomes links on a
     * host: a new kind (VXLAN: a vxlan device and its FDB) adds its uplink here.
     */
    private String ensureBridge(L2 l2, Map<String, String> links) {
        String bridge = names.bridge(l2.uuid());
        if (!links.containsKey(bridge)) {
            ensureNamespace();
            kernel.check("ip", "-n", ns, "link", "add", bridge, "type", "bridge");
            kernel.check("ip", "-n", ns, "link", "set", bridge, "up");
        }
        if (l2.type() == null) {
            return bridge;
        }
        switch (l2.type()) {
            case L2TO.NO_VLAN -> attachPhysical(l2, bridge, links);
            case L2TO.VLAN -> {
                if (!links.containsKey(names.vlan(l2.uuid()))) {
                    attachVlan(l2, bridge, links);
                }
            }
            default -> throw new HostAgentException("L2 network " + l2.uuid() + " is of type " + l2.type()
                    + ", which this host agent cannot realize (it knows " + L2TO.NO_VLAN + " and " + L2TO.VLAN + ")");
        }
        return bridge;
    }

    /**
     * The interfaces of {@code l2s} this host has neither in its own namespace nor (already enslaved) in the fabric:
     * checked before anything is made, so that a refusal leaves nothing behind.
     */
    synchronized List<String> missingUplinks(List<L2> l2s) {
        Map<String, String> links = kernel.linksIn(ns);
        return l2s.stream().filter(l2 -> l2.type() != null && l2.physicalInterface() != null)
                .map(L2::physicalInterface).distinct()
                .filter(phys -> !kernel.linkExists(phys) && !links.containsKey(phys)).toList();
    }

    /** Refuses (before anything is made) an L2 whose interface the host lacks, unless bridges may go without one. */
    synchronized void checkUplinks(List<L2> l2s) {
        List<String> missing = missingUplinks(l2s);
        if (!missing.isEmpty() && !bridgesWithoutUplink) {
            throw new HostAgentException("this host has no physical interface " + String.join(", ", missing)
                    + " (the L2 network's physicalInterface); the host's interfaces are " + physicalLinks());
        }
    }

    private List<String> physicalLinks() {
        return kernel.links().stream().filter(l -> !l.equals("lo") && !names.ownsLink(l)).sorted().toList();
    }

    /**
     * A no-VLAN L2 over its physical interface: the interface moves into the fabric as a port of the bridge, as a
     * bridge over a nic is on any hypervisor. An interface that holds an IPv4 address is the host's own (its
     * management network): enslaving it would take that address away, so the bridge goes without it.
     */
    private void attachPhysical(L2 l2, String bridge, Map<String, String> links) {
        String phys = l2.physicalInterface();
        if (phys == null || names.ownsLink(phys)) {
            return;
        }
        if (links.containsKey(phys)) { // in the fabric already: ours, or a move a crash interrupted
            String master = links.get(phys);
            if (master != null && !master.equals(bridge)) {
                throw new HostAgentException("physical interface " + phys + " already carries another no-VLAN L2 network on"
                        + " this host (bridge " + master + "); one interface carries one no-VLAN L2");
            }
            kernel.rtnetlink().in(ns, s -> {
                s.setUp(phys, s.link(bridge).index());
                return null;
            });
            return;
        }
        if (!kernel.linkExists(phys)) {
            if (!bridgesWithoutUplink) {
                throw new HostAgentException("this host has no physical interface " + phys + " for L2 network " + l2.uuid());
            }
            return;
        }
        if (!kernel.addressesIn(null, phys).isEmpty()) {
            LOG.info("{} holds the host's address: L2 {} is a bridge without it on this host", phys, l2.uuid());
            return;
        }
        kernel.check("ip", "link", "set", phys, "netns", ns);
        kernel.check("ip", "-n", ns, "link", "set", phys, "master", bridge, "up");
        LOG.info("physical interface {} is now a port of {} (L2 {})", phys, bridge, l2.uuid());
    }

    private void attachVlan(L2 l2, String bridge, Map<String, String> links) {
        String sub = names.vlan(l2.uuid());
        String phys = l2.physicalInterface();
        if (phys == null || names.ownsLink(phys)) {
            return;
        }
        if (links.containsKey(phys)) { // the interface carries a no-VLAN L2 too: it lives in the fabric
            kernel.check("ip", "-n", ns, "link", "add", "link", phys, "name", sub, "type", "vlan", "id", Integer.toString(l2.vlan()));
            kernel.check("ip", "-n", ns, "link", "set", sub, "master", bridge, "up");
            return;
        }
        if (!kernel.linkExists(phys)) {
            if (!bridgesWithoutUplink) {
                throw new HostAgentException("this host has no physical interface " + phys + " for VLAN L2 network " + l2.uuid());
            }
            return;
        }
        if (!kernel.linkExists(sub)) { // else a move that a crash interrupted: finish it
            var r = kernel.run("ip", "link", "add", "link", phys, "name", sub, "type", "vlan",
                    "id", Integer.toString(l2.vlan()));
            if (!r.succeeded()) {
                if (!bridgesWithoutUplink) {
                    throw new HostAgentException("cannot create VLAN " + l2.vlan() + " on " + phys + " for L2 " + l2.uuid() + ": "
                            + r.stderr().strip());
                }
                // e.g. a kernel without 8021q: the L2 still works on this host, as a bridge alone
                LOG.warn("cannot create VLAN {} on {} for L2 {} ({}); the L2 is a bridge alone on this host",
                        l2.vlan(), phys, l2.uuid(), r.stderr().strip());
                return;
            }
        }
        kernel.check("ip", "link", "set", sub, "netns", ns);
        kernel.check("ip", "-n", ns, "link", "set", sub, "master", bridge, "up");
    }

    /** The L2's bridge, created when missing (for the ports other classes add: {@link VxlanFabric}). */
    synchronized String ensureBridge(String l2Uuid) {
        return ensureBridge(L2.withoutVlan(l2Uuid), kernel.linksIn(ns));
    }

    /** Removes a port (its veth pair goes with it); nothing when it is not there. */
    synchronized void unplug(String port) {
        if (kernel.namespaceExists(ns)) {
            kernel.rtnetlink().in(ns, s -> s.delete(port));
        }
    }

    /** Gives the host {@code address} (with prefix length) on the L2, through the L2's management port. */
    synchronized void ensureManagementAddress(String l2Uuid, String address) {
        String port = names.managementPort(l2Uuid);
        String bridge = ensureBridge(L2.withoutVlan(l2Uuid), kernel.linksIn(ns));
        if (!kernel.linkExists(port)) {
            kernel.check("ip", "link", "add", port, "type", "veth", "peer", "name", port, "netns", ns);
            disableIpv6OnHost(port);
        }
        kernel.check("ip", "-n", ns, "link", "set", port, "master", bridge, "up");
        kernel.check("ip", "addr", "replace", address, "dev", port);
        kernel.check("ip", "link", "set", port, "up");
    }

    /**
     * A route of the host's, other than through the L2's management port, that overlaps {@code subnet}: giving the
     * host an address on that subnet (the management L3's gateway) would take traffic away from that route.
     */
    Optional<LinuxHost.Route> routeOverlapping(String l2Uuid, Ipv4Cidr subnet) {
        String ours = names.managementPort(l2Uuid);
        for (LinuxHost.Route route : kernel.routes()) {
            if (route.device().equals(ours)) {
                continue;
            }
            Ipv4Cidr dst = Ipv4Cidr.tryParse(route.destination()).orElse(null);
            if (dst != null && dst.overlaps(subnet)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    /**
     * Bridges with no port left (their VLAN sub-interface, management port and physical interface do not count) go,
     * with those; a physical interface goes back to the host's namespace.
     */
    synchronized void removeUnusedBridges() {
        Map<String, String> links = kernel.linksIn(ns);
        for (String bridge : links.keySet()) {
            if (!names.isBridge(bridge)) {
                continue;
            }
            String vlan = names.vlanOfBridge(bridge);
            String managementPort = names.managementPortOfBridge(bridge);
            String vxlan = names.vxlanOfBridge(bridge);
            boolean used = links.entrySet().stream().anyMatch(link -> bridge.equals(link.getValue())
                    && names.ownsLink(link.getKey()) && !link.getKey().equals(vlan) && !link.getKey().equals(managementPort)
                    && !link.getKey().equals(vxlan));
            if (!used) {
                links.forEach((link, master) -> {
                    if (bridge.equals(master) && !names.ownsLink(link)) {
                        returnToHost(link);
                    }
                });
                for (String link : List.of(managementPort, vlan, vxlan, bridge)) {
                    if (links.containsKey(link)) {
                        kernel.run("ip", "-n", ns, "link", "del", link);
                    }
                }
                LOG.debug("removed unused bridge {}", bridge);
            }
        }
    }

    /** A physical interface the fabric took goes back to the host's namespace (this process's), up. */
    private void returnToHost(String phys) {
        kernel.run("ip", "-n", ns, "link", "set", phys, "nomaster");
        var r = kernel.run("ip", "-n", ns, "link", "set", phys, "netns", Long.toString(ProcessHandle.current().pid()));
        if (r.succeeded()) {
            kernel.run("ip", "link", "set", phys, "up");
            LOG.info("physical interface {} is back in the host's namespace", phys);
        } else {
            LOG.warn("cannot give {} back to the host's namespace: {}", phys, r.stderr().strip());
        }
    }

    /**
     * At node start: the fabric's settings again (br_netfilter loaded since sets them to the host's defaults), and
     * the installation's links in the host namespace that the fabric does not account for go: bridges, VLAN
     * sub-interfaces and nic veths of the layout before the fabric (or a VLAN whose move a crash interrupted), and
     * management ports whose bridge is gone. Running VMs are plugged again by their start.
     */
    synchronized void reconcile() {
        if (kernel.namespaceExists(ns)) {
            applySettings();
        }
        Map<String, String> links = kernel.linksIn(ns);
        for (String link : kernel.links()) {
            if (!names.ownsLink(link)) {
                continue;
            }
            char kind = link.charAt(names.prefix().length());
            boolean oldLayout = kind == 'b' || kind == 'v' || kind == 'n';
            boolean orphanPort = kind == 'm' && !links.containsKey(names.bridgeOfManagementPort(link));
            if (oldLayout || orphanPort) {
                LOG.info("removing {} from the host namespace: the installation's L2s live in {}", link, ns);
                kernel.run("ip", "link", "del", link);
            }
        }
    }

    /** Removes the fabric with everything in it (the veth pairs of its ports go with it). */
    synchronized void remove() {
        // a physical interface would vanish with the namespace (a veth) or land in the initial one: give it back first
        kernel.linksIn(ns).keySet().stream().filter(link -> !link.equals("lo") && !names.ownsLink(link)).forEach(this::returnToHost);
        kernel.deleteNamespace(ns);
    }

    private void ensureNamespace() {
        if (kernel.addNamespace(ns)) {
            applySettings();
        }
    }

    private void applySettings() {
        var r = kernel.run("ip", "netns", "exec", ns, "busybox", "sh", "-c", SETTINGS);
        if (!r.succeeded()) {
            throw new HostAgentException("cannot turn off bridge netfilter and IPv6 in namespace " + ns + ": " + r.stderr().strip());
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
