package io.vrouter.hostagent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.platform.process.CommandResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A host's side of its VXLAN L2s: for each, a vxlan device {@code <p>e<l2>} that is a port of the L2's bridge in
 * the {@link Fabric}, with one FDB entry per peer VTEP ({@link VxlanPlan}).
 *
 * <p>Where things live: the device is created in the underlay's namespace (the host's own, where its VTEP address
 * is) and then moved into the fabric namespace. A vxlan device keeps its UDP socket in the namespace it was created
 * in, so it sends and receives on the host's data network while its frames enter the fabric's bridge (a VLAN
 * sub-interface moves the same way).
 *
 * <p>Each {@link #apply} reads what the kernel has and runs only {@link VxlanPlan#plan}'s difference, so calling
 * it again with the same peers does nothing and a peer that joins or leaves changes one FDB entry on each other host.
 * Changes are serialised on this object, as the fabric's are.
 */
final class VxlanFabric {
    private static final Logger LOG = LoggerFactory.getLogger(VxlanFabric.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinuxHost kernel;
    private final NetnsNames names;
    private final Fabric fabric;
    private final String underlayNs;
    private final String hostId;

    /**
     * @param underlayNs the namespace of the host's data network; null for the host's own (a real host). Tests that
     *                   play several hosts on one machine give each host's namespace.
     */
    VxlanFabric(NetnsHost host, Fabric fabric, String underlayNs) {
        this.kernel = host.kernel();
        this.names = host.names();
        this.fabric = fabric;
        this.underlayNs = underlayNs;
        this.hostId = host.id();
    }

    /** This host's VTEP address in a pool's VTEP cidr (an error naming the host's addresses when it has none). */
    Ipv4 vtepAddress(Ipv4Cidr cidr) {
        return VxlanPlan.vtepAddress(cidr, hostId, underlayAddresses().stream().map(Underlay::address).toList());
    }

    /**
     * Makes the L2's vxlan device match: VNI {@code vni} from {@code localVtep}, flooding to {@code peers}. Returns
     * the operations it ran (empty when nothing changed).
     */
    synchronized List<VxlanPlan.Op> apply(String l2Uuid, int vni, Ipv4 localVtep, Set<Ipv4> peers) {
        String device = names.vxlan(l2Uuid);
        // checked before anything is made: a wrong VTEP address leaves nothing half made
        int mtu = underlayAddresses().stream().filter(u -> u.address().equals(localVtep.toString())).findFirst()
                .map(u -> u.mtu() - VxlanPlan.OVERHEAD)
                .orElseThrow(() -> new HostAgentException("host " + hostId + " has no address " + localVtep + " for the VTEP of L2 "
                        + l2Uuid + " (VNI " + vni + ")"));
        String bridge = fabric.ensureBridge(l2Uuid);
        VxlanPlan.Desired desired = new VxlanPlan.Desired(device, bridge, vni, localVtep, mtu, peers);
        List<VxlanPlan.Op> ops = VxlanPlan.plan(desired, observe(device));
        for (VxlanPlan.Op op : ops) {
            run(op);
        }
        if (!ops.isEmpty()) {
            LOG.info("VXLAN {} (VNI {}) on host {}: {}", device, vni, hostId, ops);
        }
        return ops;
    }

    /** Removes the L2's vxlan device (its FDB goes with it); nothing when it is not there. */
    synchronized void remove(String l2Uuid) {
        String device = names.vxlan(l2Uuid);
        kernel.run("ip", "-n", fabric.namespace(), "link", "del", device);
        if (underlayNs == null) {
            kernel.run("ip", "link", "del", device);
        } else {
            kernel.run("ip", "-n", underlayNs, "link", "del", device);
        }
    }

    /** What the kernel has for the device, in the fabric (a device left in the underlay by a crash is removed). */
    VxlanPlan.Observed observe(String device) {
        String ns = fabric.namespace();
        CommandResult link = kernel.run("ip", "-n", ns, "-d", "-j", "link", "show", "dev", device);
        if (!link.succeeded()) {
            // created but not moved when a crash came: start again
            kernel.run(underlay("ip", "link", "del", device));
            return VxlanPlan.Observed.ABSENT;
        }
        try {
            JsonNode l = JSON.readTree(link.stdout()).get(0);
            JsonNode data = l.path("linkinfo").path("info_data");
            Set<Ipv4> peers = new HashSet<>();
            for (JsonNode entry : JSON.readTree(kernel.check("bridge", "-n", ns, "-j", "fdb", "show", "dev", device).stdout())) {
                if ("00:00:00:00:00:00".equals(entry.path("mac").asText()) && entry.hasNonNull("dst")) {
                    Ipv4.tryParse(entry.get("dst").asText()).ifPresent(peers::add);
                }
            }
            boolean up = false;
            for (JsonNode flag : l.path("flags")) {
                up |= "UP".equals(flag.asText());
            }
            return new VxlanPlan.Observed(true, data.path("id").asInt(), data.hasNonNull("local") ? data.get("local").asText() : null,
                    data.path("port").asInt(), data.path("learning").asBoolean(true), l.path("mtu").asInt(),
                    l.hasNonNull("master") ? l.get("master").asText() : null, up, peers);
        } catch (IOException | RuntimeException e) {
            throw new HostAgentException("cannot read vxlan device " + device + " in " + ns + ": " + e, e);
        }
    }

    private void run(VxlanPlan.Op op) {
        List<String> argv = op.argv();
        if (op instanceof VxlanPlan.Create create) {
            kernel.check(underlay(argv.toArray(String[]::new)));
            kernel.check(underlay("ip", "link", "set", create.device(), "netns", fabric.namespace()));
            return;
        }
        // "ip ..." and "bridge ..." both take -n <namespace> first
        List<String> inFabric = new ArrayList<>(List.of(argv.get(0), "-n", fabric.namespace()));
        inFabric.addAll(argv.subList(1, argv.size()));
        kernel.check(inFabric.toArray(String[]::new));
    }

    private String[] underlay(String... argv) {
        if (underlayNs == null) {
            return argv;
        }
        List<String> in = new ArrayList<>(List.of(argv[0], "-n", underlayNs));
        in.addAll(List.of(argv).subList(1, argv.length));
        return in.toArray(String[]::new);
    }

    private record Underlay(String address, int mtu) {
    }

    /** The IPv4 addresses of the underlay's interfaces, each with its interface's MTU. */
    private List<Underlay> underlayAddresses() {
        List<Underlay> found = new ArrayList<>();
        try {
            for (JsonNode link : JSON.readTree(kernel.check(underlay("ip", "-j", "-4", "addr", "show")).stdout())) {
                for (JsonNode a : link.path("addr_info")) {
                    found.add(new Underlay(a.path("local").asText(), link.path("mtu").asInt()));
                }
            }
        } catch (IOException e) {
            throw new HostAgentException("cannot read the addresses of host " + hostId + ": " + e, e);
        }
        return found;
    }

    /** For the tests: the peers the device floods to now. */
    Optional<Set<Ipv4>> peers(String l2Uuid) {
        VxlanPlan.Observed o = observe(names.vxlan(l2Uuid));
        return o.exists() ? Optional.of(o.peers()) : Optional.empty();
    }
}
