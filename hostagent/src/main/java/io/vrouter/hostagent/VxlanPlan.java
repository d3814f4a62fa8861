package io.vrouter.hostagent;

import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;


import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one host's kernel must do so that a VXLAN L2 reaches its peers: a pure function from what the host should
 * have ({@link Desired}: its VTEP address, the VNI, the peer VTEPs) and what it has ({@link Observed}) to the kernel
 * operations, in order. No multicast: the device does not learn where MACs are ({@code nolearning}) and floods
 * unknown and broadcast frames to every peer through one all-zero FDB entry per peer VTEP (head-end replication),
 * as ZStack's {@code populatefdb} does; the bridge above it learns the guests' MACs.
 *
 * <p>As kube-proxy syncs rules, the plan is a diff: when the device is right, only the FDB entries of peers that
 * came or went are touched, so a host joining or leaving never disturbs the traffic to the others. A device whose
 * VNI, local address or port is wrong (the host's VTEP address changed) is replaced, with every peer again.
 */
public final class VxlanPlan {
    /** IANA's VXLAN port; the kernel's default (8472) is Linux's historical one, which other VTEPs do not speak. */
    public static final int PORT = 4789;
    /** Outer Ethernet (14) + IPv4 (20) + UDP (8) + VXLAN (8) headers: a guest frame's payload is this much smaller. */
    public static final int OVERHEAD = 50;
    private static final String ALL_ZERO_MAC = "00:00:00:00:00:00";

    private VxlanPlan() {
    }

    /**
     * What a host should have for one VXLAN L2.
     *
     * @param device    the vxlan device's name (fits IFNAMSIZ: {@link NetnsNames#vxlan})
     * @param bridge    the L2's bridge the device is a port of
     * @param vni       the L2's VNI
     * @param localVtep this host's VTEP address (its address in the pool's VTEP cidr)
     * @param mtu       the device's MTU: the underlay's minus {@link #OVERHEAD}
     * @param peers     the other hosts' VTEP addresses (this host's own is ignored)
     */
    public record Desired(String device, String bridge, int vni, Ipv4 localVtep, int mtu, Set<Ipv4> peers) {
        public Desired {
            peers = Set.copyOf(peers);
        }
    }

    /**
     * What the kernel has for the device.
     *
     * @param exists whether the device exists at all (the other fields are meaningless otherwise)
     * @param local  its local address, null when it has none
     * @param master the bridge it is a port of, null when none
     * @param peers  the destinations of its all-zero FDB entries
     */
    public record Observed(boolean exists, int vni, String local, int port, boolean learning, int mtu, String master, boolean up,
                           Set<Ipv4> peers) {
        public static final Observed ABSENT = new Observed(false, 0, null, 0, false, 0, null, false, Set.of());

        public Observed {
            peers = Set.copyOf(peers);
        }
    }

    /** One kernel operation; {@link #argv} is its iproute2 command, run in the namespace the applier gives. */
    public sealed interface Op {
        List<String> argv();
    }

    /** Creates the device (down, not yet a port). */
    public record Create(String device, int vni, Ipv4 local, int mtu) implements Op {
        public List<String> argv() {
            return List.of("ip", "link", "add", device, "mtu", Integer.toString(mtu), "type", "vxlan", "id", Integer.toString(vni),
                    "local", local.toString(), "dstport", Integer.toString(PORT), "nolearning");
        }
    }

    public record Delete(String device) implements Op {
        public List<String> argv() {
            return List.of("ip", "link", "del", device);
        }
    }

    public record SetMtu(String device, int mtu) implements Op {
        public List<String> argv() {
            return List.of("ip", "link", "set", device, "mtu", Integer.toString(mtu));
        }
    }

    /** Makes the device a port of the bridge and brings it up. */
    public record Enslave(String device, String bridge) implements Op {
        public List<String> argv() {
            return List.of("ip", "link", "set", device, "master", bridge, "up");
        }
    }

    public record AddPeer(String device, Ipv4 peer) implements Op {
        public List<String> argv() {
            return List.of("bridge", "fdb", "append", ALL_ZERO_MAC, "dev", device, "dst", peer.toString());
        }
    }

    public record RemovePeer(String device, Ipv4 peer) implements Op {
        public List<String> argv() {
            return List.of("bridge", "fdb", "del", ALL_ZERO_MAC, "dev", device, "dst", peer.toString());
        }
    }

    /** The operations that turn {@code observed} into {@code desired}, in order; empty when nothing differs. */
    public static List<Op> plan(Desired desired, Observed observed) {
        List<Op> ops = new ArrayList<>();
        Set<Ipv4> wanted = new TreeSet<>(desired.peers());
        wanted.remove(desired.localVtep());
        Set<Ipv4> present = new TreeSet<>(observed.peers());
        boolean replace = observed.exists() && (observed.vni() != desired.vni() || observed.port() != PORT || observed.learning()
                || !desired.localVtep().toString().equals(observed.local()));
        if (replace) {
            ops.add(new Delete(desired.device()));
        }
        if (!observed.exists() || replace) {
            ops.add(new Create(desired.device(), desired.vni(), desired.localVtep(), desired.mtu()));
            present.clear();
        } else if (observed.mtu() != desired.mtu()) {
            ops.add(new SetMtu(desired.device(), desired.mtu()));
        }
        if (!observed.exists() || replace || !desired.bridge().equals(observed.master()) || !observed.up()) {
            ops.add(new Enslave(desired.device(), desired.bridge()));
        }
        for (Ipv4 gone : present) {
            if (!wanted.contains(gone)) {
                ops.add(new RemovePeer(desired.device(), gone));
            }
        }
        for (Ipv4 added : wanted) {
            if (!present.contains(added)) {
                ops.add(new AddPeer(desired.device(), added));
            }
        }
        return ops;
    }

    /**
     * A host's VTEP address: the lowest of its addresses inside the pool's VTEP cidr (ZStack's rule). None inside it
     * is the operator's mistake (a cidr that is not the hosts' data network), reported with both sides.
     */
    public static Ipv4 vtepAddress(Ipv4Cidr cidr, String host, Collection<String> hostAddresses) {
        Optional<Ipv4> inside = hostAddresses.stream().map(a -> a.contains("/") ? a.substring(0, a.indexOf('/')) : a)
                .map(Ipv4::tryParse).flatMap(Optional::stream).filter(cidr::contains).sorted().findFirst();
        return inside.orElseThrow(() -> new HostAgentException("host " + host + " has no address in the VTEP cidr " + cidr
                + " (its addresses: " + hostAddresses + "); attach the VXLAN pool with the cidr of the hosts' data network"));
    }
}
