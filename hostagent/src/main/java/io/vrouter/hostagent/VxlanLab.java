package io.vrouter.hostagent;

import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Hosts of VXLAN L2s on one machine (root), for the VXLAN tests and {@code ./vrouter bench vxlan}: each host a
 * network namespace whose data interface is a veth into a bridge {@code ubr} of an underlay namespace (the
 * datacenter's network, {@link #UNDERLAY}), with its own {@link Fabric} and {@link VxlanFabric}, exactly as on a real
 * host whose own namespace is the underlay's. Guests are namespaces plugged into a host's L2 bridge the way the
 * backend plugs VMs. The underlay also has a plain bridge {@code pbr}: an L2 {@link #joinPlain joined} to it on each
 * host is a plain bridged L2 across hosts, the baseline VXLAN is measured against.
 *
 * <p>Everything carries one random prefix ({@link #prefix()}) and {@link #close} removes it all, also after a failure.
 */
public final class VxlanLab implements AutoCloseable {
    public static final Ipv4Cidr UNDERLAY = Ipv4Cidr.parse("192.168.77.0/24");

    private final LinuxHost kernel = new LinuxHost();
    private final String base;
    private final Path workDir;
    private final String underlay;
    private final List<Host> hosts = new ArrayList<>();
    private int nextIndex = 1;

    /** A host of the lab: its namespace (the underlay side) and the backend's pieces acting on it. */
    public static final class Host {
        private final int index;
        private final String ns;
        private final NetnsHost host;
        private final Fabric fabric;
        private final VxlanFabric vxlan;

        private Host(int index, String ns, NetnsHost host, Fabric fabric, VxlanFabric vxlan) {
            this.index = index;
            this.ns = ns;
            this.host = host;
            this.fabric = fabric;
            this.vxlan = vxlan;
        }

        public int index() {
            return index;
        }

        /** The host's data address on the underlay (its VTEP address for {@link #UNDERLAY}). */
        public Ipv4 dataAddress() {
            return Ipv4.parse("192.168.77." + index);
        }

        public String vxlanDevice(String l2Uuid) {
            return host.names().vxlan(l2Uuid);
        }

        public String bridge(String l2Uuid) {
            return host.names().bridge(l2Uuid);
        }

        /** This host's VTEP address in {@code cidr}, as the backend chooses it. */
        public Ipv4 vtepAddress(Ipv4Cidr cidr) {
            return vxlan.vtepAddress(cidr);
        }

        public VxlanPlan.Observed observe(String l2Uuid) {
            return vxlan.observe(host.names().vxlan(l2Uuid));
        }

        /** The peers the host's device of the L2 floods to; empty when it has no device. */
        public Optional<Set<Ipv4>> peers(String l2Uuid) {
            return vxlan.peers(l2Uuid);
        }
    }

    private VxlanLab(String base, Path workDir) {
        this.base = base;
        this.workDir = workDir;
        this.underlay = base + "u";
    }

    /** Null when the lab can run here, else why not (root, iproute2, busybox, the vxlan module). */
    public static String unavailableReason() {
        String problems = new HostCheck().problems();
        if (problems != null) {
            return problems;
        }
        LinuxHost kernel = new LinuxHost();
        String probe = "vqprobe" + new SecureRandom().nextInt(1_000_000);
        if (!kernel.run("ip", "link", "add", probe, "type", "vxlan", "id", "1", "dstport", "4789").succeeded()) {
            return "no vxlan support in kernel " + System.getProperty("os.version");
        }
        kernel.run("ip", "link", "del", probe);
        return null;
    }

    /** A new lab with a random prefix; its hosts' files go under {@code workDir}. */
    public static VxlanLab open(Path workDir) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz";
        SecureRandom random = new SecureRandom();
        StringBuilder b = new StringBuilder("vq");
        for (int i = 0; i < 3; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        VxlanLab lab = new VxlanLab(b.toString(), workDir);
        try {
            lab.kernel.addNamespace(lab.underlay);
            for (String bridge : List.of("ubr", "pbr")) {
                lab.kernel.check("ip", "-n", lab.underlay, "link", "add", bridge, "type", "bridge");
                lab.kernel.check("ip", "-n", lab.underlay, "link", "set", bridge, "up");
            }
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** What every name of this lab starts with. */
    public String prefix() {
        return base;
    }

    /** A new host with the next index, its data interface on the underlay at 192.168.77.index/24. */
    public Host addHost() {
        int index = nextIndex++;
        String ns = base + index + "host";
        kernel.addNamespace(ns);
        String up = base + index + "up";
        String data = base + index + "data";
        kernel.check("ip", "link", "add", up, "type", "veth", "peer", "name", data, "netns", ns);
        kernel.check("ip", "link", "set", up, "netns", underlay);
        kernel.check("ip", "-n", underlay, "link", "set", up, "master", "ubr", "up");
        kernel.check("ip", "-n", ns, "addr", "add", "192.168.77." + index + "/24", "dev", data);
        kernel.check("ip", "-n", ns, "link", "set", data, "up");
        kernel.check("ip", "-n", ns, "link", "set", "lo", "up");
        NetnsHost host = new NetnsHost("host-" + index, new NetnsNames(base + index), workDir.resolve("h" + index), kernel);
        Fabric fabric = new Fabric(host, BigTcp.of(0));
        Host h = new Host(index, ns, host, fabric, new VxlanFabric(host, fabric, ns));
        hosts.add(h);
        return h;
    }

    /** The host leaves: its VXLAN device of the L2 goes, and it no longer counts as anyone's peer. */
    public void removeHost(Host h, String l2Uuid) {
        hosts.remove(h);
        h.vxlan.remove(l2Uuid);
    }

    /** The VTEP addresses of the lab's hosts in {@link #UNDERLAY}. */
    public Set<Ipv4> vteps() {
        Set<Ipv4> vteps = new LinkedHashSet<>();
        hosts.forEach(h -> vteps.add(h.vtepAddress(UNDERLAY)));
        return vteps;
    }

    /** Brings the host's device of the L2 in line with the lab's hosts as peers; the operations it ran. */
    public List<VxlanPlan.Op> syncVxlan(Host h, String l2Uuid, int vni) {
        return syncVxlan(h, l2Uuid, vni, vteps());
    }

    public List<VxlanPlan.Op> syncVxlan(Host h, String l2Uuid, int vni, Set<Ipv4> peers) {
        return syncVxlan(h, l2Uuid, vni, h.vtepAddress(UNDERLAY), peers);
    }

    public List<VxlanPlan.Op> syncVxlan(Host h, String l2Uuid, int vni, Ipv4 localVtep, Set<Ipv4> peers) {
        return h.vxlan.apply(l2Uuid, vni, localVtep, peers);
    }

    /** The links of the host's fabric namespace. */
    public Set<String> fabricLinks(Host h) {
        return kernel.linksIn(h.fabric.namespace()).keySet();
    }

    /**
     * The baseline: the host's bridge of the L2 gets a port into the underlay's plain bridge, so the L2 spans the
     * hosts without encapsulation.
     */
    public void joinPlain(Host h, String l2Uuid) {
        String bridge = h.fabric.ensureBridge(l2Uuid);
        String port = base + h.index + "p" + l2Uuid.substring(0, 4);
        String fabricNs = h.fabric.namespace();
        kernel.check("ip", "-n", underlay, "link", "add", port, "type", "veth", "peer", "name", port, "netns", fabricNs);
        kernel.check("ip", "-n", underlay, "link", "set", port, "master", "pbr", "up");
        kernel.check("ip", "-n", fabricNs, "link", "set", port, "master", bridge, "up");
    }

    /**
     * A guest on the host's L2: a namespace {@code <prefix><index>g<n>} with {@code eth0} on the L2's bridge holding
     * {@code addressWithPrefix}, at {@code mtu} (what DHCP option 26 gives it). Returns the namespace.
     */
    public String addGuest(Host h, String l2Uuid, String addressWithPrefix, int mtu) {
        String ns = base + h.index + "g" + UUID.randomUUID().toString().substring(0, 6);
        kernel.addNamespace(ns);
        h.fabric.plug(Fabric.L2.withoutVlan(l2Uuid), h.host.names().hostVeth(UUID.randomUUID().toString()), ns, "eth0", null);
        kernel.check("ip", "-n", ns, "addr", "add", addressWithPrefix, "dev", "eth0");
        kernel.check("ip", "-n", ns, "link", "set", "eth0", "mtu", Integer.toString(mtu));
        kernel.check("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** Removes every namespace and link of the lab. */
    @Override
    public void close() {
        for (String ns : kernel.namespaces()) {
            if (ns.startsWith(base)) {
                kernel.deleteNamespace(ns);
            }
        }
        for (String link : kernel.links()) {
            if (link.startsWith(base)) {
                kernel.run("ip", "link", "del", link);
            }
        }
    }
}
