package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.hostagent.L2TO;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.HostStatus;
import io.vrouter.server.host.Hosts;
import io.vrouter.server.l2.VxlanNetworks;
import io.vrouter.server.l2.VxlanPoolAttachment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * VXLAN L2s on Netns hosts, the node's side (ZStack's KVM backend of VXLAN pools does the same): each host's VTEP in
 * a pool is the address its agent finds inside the pool's VTEP cidr of the host's cluster ({@code checkcidr}; the
 * management address when the attachment names no cidr), recorded through {@link VxlanNetworks#recordVtep}; every
 * host of the pool floods to every other VTEP of the pool, one FDB entry each ({@code populatefdb}).
 *
 * <p>When VTEPs are found: before a pool's attachment to a cluster is written (a host without an address in the
 * cidr refuses it, naming the host and its addresses), before a host joins a cluster with pools attached (the same
 * refusal), and whenever a host is reconciled (node start, reconnect, an agent that answers again or restarted:
 * the address may have changed). A pool whose VTEPs changed, or lost one (a host deleted), has every host's FDB
 * synced. A VM's start carries each VXLAN nic's VNI, the host's VTEP and the peers of now ({@link #l2On}), so a
 * host that missed a sync gets the whole state with its next VM or reconcile.
 */
final class NetnsVxlan implements VxlanPoolAttachment {
    private static final Logger LOG = LoggerFactory.getLogger(NetnsVxlan.class);

    private final Hosts hosts;
    private final HostAgents agents;
    private final VxlanNetworks vxlan;

    NetnsVxlan(Hosts hosts, HostAgents agents, VxlanNetworks vxlan) {
        this.hosts = hosts;
        this.agents = agents;
        this.vxlan = vxlan;
    }

    /**
     * The L2 of a nic as host {@code hostUuid} realizes it when it is a VXLAN network: its VNI, the host's VTEP
     * (found now when not yet recorded) and the other VTEPs of its pool; empty for any other L2.
     */
    Optional<L2TO> l2On(String hostUuid, String l2Uuid) {
        Optional<VxlanNetworks.VxlanNetworkRecord> network = vxlan.find(l2Uuid);
        if (network.isEmpty()) {
            return Optional.empty();
        }
        String pool = network.get().poolUuid();
        if (vxlan.vtepsOf(pool).stream().noneMatch(v -> v.hostUuid().equals(hostUuid))) {
            HostRecord host = hosts.find(hostUuid).orElseThrow(() -> ApiException.notFound(Hosts.RESOURCE_TYPE, hostUuid));
            VxlanNetworks.PoolAttachment attachment = vxlan.poolsAttachedTo(host.clusterUuid()).stream()
                    .filter(a -> a.poolUuid().equals(pool)).findFirst()
                    .orElseThrow(() -> ApiException.invalidArgument("VXLAN network " + l2Uuid + " of pool " + pool
                            + " is not attached to cluster " + host.clusterUuid() + " of host " + host.name()));
            record(host, attachment);
        }
        return Optional.of(l2For(hostUuid, network.get(), vxlan.vtepsOf(pool)));
    }

    private static L2TO l2For(String hostUuid, VxlanNetworks.VxlanNetworkRecord network, List<VxlanNetworks.Vtep> vteps) {
        String local = vteps.stream().filter(v -> v.hostUuid().equals(hostUuid)).map(VxlanNetworks.Vtep::vtepIp).findFirst()
                .orElseThrow(() -> ApiException.operationFailed("host " + hostUuid + " has no VTEP in VXLAN pool " + network.poolUuid()));
        List<String> peers = vteps.stream().filter(v -> !v.hostUuid().equals(hostUuid)).map(VxlanNetworks.Vtep::vtepIp)
                .filter(ip -> !ip.equals(local)).distinct().toList();
        return L2TO.vxlan(network.uuid(), network.vni(), local, peers);
    }

    /**
     * Finds and records the host's VTEP in every pool attached to its cluster; pools whose VTEPs changed get every
     * host's FDB synced. Failures are logged: the host's VMs keep the VTEP recorded before.
     */
    void refreshHost(String hostUuid) {
        Optional<HostRecord> host = hosts.find(hostUuid);
        if (host.isEmpty()) {
            return;
        }
        for (VxlanNetworks.PoolAttachment attachment : vxlan.poolsAttachedTo(host.get().clusterUuid())) {
            try {
                record(host.get(), attachment);
            } catch (RuntimeException e) {
                LOG.warn("cannot find the VTEP of host {} in VXLAN pool {}: {}", host.get().name(), attachment.poolUuid(), e.getMessage());
            }
        }
    }

    private void record(HostRecord host, VxlanNetworks.PoolAttachment attachment) {
        String vtep = vtepOf(host.name(), host.managementIp(), agents.of(host.uuid()), attachment);
        if (vxlan.recordVtep(host.uuid(), attachment.clusterUuid(), attachment.poolUuid(), vtep)) {
            LOG.info("host {} is VTEP {} of VXLAN pool {}", host.name(), vtep, attachment.poolUuid());
            syncPool(attachment.poolUuid());
        }
    }

    /**
     * The host's address in the attachment's cidr, asked of its agent; an API error saying why there is none, the
     * {@link AgentException} when the agent cannot be reached or refuses the secret.
     */
    private static String vtepOf(String hostName, String managementIp, HostAgentClient agent, VxlanNetworks.PoolAttachment attachment) {
        if (attachment.vtepCidr().isEmpty()) {
            return managementIp;
        }
        Ipv4Cidr cidr = attachment.vtepCidr().get();
        try {
            return agent.vtepAddress(cidr.toString());
        } catch (AgentException e) {
            if (e.agentError() == null || e.isUnauthorized()) {
                throw e;
            }
            String reason = e.agentError();
            throw ApiException.invalidArgument("host " + hostName + " (" + managementIp + ") has no VTEP address for VXLAN pool "
                    + attachment.poolUuid() + ": " + reason);
        }
    }

    /**
     * Every host of the pool floods each of the pool's networks to the other VTEPs of now. Hosts that are not
     * Connected are skipped (their reconcile sends their whole state); a failure is logged and leaves the others.
     */
    void syncPool(String poolUuid) {
        List<VxlanNetworks.VxlanNetworkRecord> networks = vxlan.networksOfPool(poolUuid);
        if (networks.isEmpty()) {
            return;
        }
        List<VxlanNetworks.Vtep> vteps = vxlan.vtepsOf(poolUuid);
        for (VxlanNetworks.Vtep vtep : vteps) {
            Optional<HostRecord> host = hosts.find(vtep.hostUuid());
            if (host.isEmpty() || !HostStatus.Connected.name().equals(host.get().status())) {
                continue;
            }
            List<L2TO> l2s = networks.stream().map(n -> l2For(vtep.hostUuid(), n, vteps)).toList();
            try {
                agents.of(vtep.hostUuid()).populateFdb(l2s);
            } catch (RuntimeException e) {
                LOG.warn("cannot sync the VXLAN FDB of host {} (pool {}): {}", host.get().name(), poolUuid, e.getMessage());
            }
        }
    }

    /** Before a host joins {@code clusterUuid}: it must have a VTEP address in every pool attached there. */
    void checkNewHost(String name, String managementIp, HostAgentClient agent, String clusterUuid) {
        List<String> refusals = new ArrayList<>();
        for (VxlanNetworks.PoolAttachment attachment : vxlan.poolsAttachedTo(clusterUuid)) {
            try {
                vtepOf(name, managementIp, agent, attachment);
            } catch (ApiException e) {
                refusals.add(e.getMessage());
            }
        }
        if (!refusals.isEmpty()) {
            throw ApiException.invalidArgument(String.join("; ", refusals));
        }
    }

    /** A deleted host's VTEPs went with it: the other hosts of its cluster's pools stop flooding to it. */
    void hostDeleted(HostRecord host) {
        if (!NetnsHypervisor.TYPE.equals(host.hypervisorType())) {
            return;
        }
        for (VxlanNetworks.PoolAttachment attachment : vxlan.poolsAttachedTo(host.clusterUuid())) {
            syncPool(attachment.poolUuid());
        }
    }

    @Override
    public void check(String poolUuid, String clusterUuid, Optional<Ipv4Cidr> cidr) {
        List<String> refusals = new ArrayList<>();
        VxlanNetworks.PoolAttachment attachment = new VxlanNetworks.PoolAttachment(poolUuid, clusterUuid, cidr);
        for (HostRecord host : connectedHostsOf(clusterUuid)) {
            try {
                vtepOf(host.name(), host.managementIp(), agents.of(host.uuid()), attachment);
            } catch (ApiException e) {
                refusals.add(e.getMessage());
            } catch (AgentException e) {
                refusals.add("cannot ask host " + host.name() + " (" + host.managementIp() + ") for its VTEP address: " + e.getMessage());
            }
        }
        if (!refusals.isEmpty()) {
            throw ApiException.invalidArgument("cannot attach VXLAN pool " + poolUuid + " to cluster " + clusterUuid
                    + cidr.map(c -> " with VTEP cidr " + c).orElse("") + ": " + String.join("; ", refusals));
        }
    }

    @Override
    public void attached(String poolUuid, String clusterUuid) {
        VxlanNetworks.PoolAttachment attachment = vxlan.poolsAttachedTo(clusterUuid).stream()
                .filter(a -> a.poolUuid().equals(poolUuid)).findFirst().orElse(null);
        if (attachment == null) {
            return; // detached again meanwhile
        }
        for (HostRecord host : connectedHostsOf(clusterUuid)) {
            try {
                String vtep = vtepOf(host.name(), host.managementIp(), agents.of(host.uuid()), attachment);
                vxlan.recordVtep(host.uuid(), clusterUuid, poolUuid, vtep);
            } catch (RuntimeException e) {
                LOG.warn("cannot record the VTEP of host {} in VXLAN pool {}: {}", host.name(), poolUuid, e.getMessage());
            }
        }
        syncPool(poolUuid);
    }

    /** The Connected Netns hosts of a cluster (a Disconnected one finds its VTEPs when it is reconciled). */
    private List<HostRecord> connectedHostsOf(String clusterUuid) {
        return hosts.ofType(NetnsHypervisor.TYPE).stream().filter(h -> h.clusterUuid().equals(clusterUuid))
                .filter(h -> HostStatus.Connected.name().equals(h.status()))
                .sorted(java.util.Comparator.comparing(HostRecord::name).thenComparing(HostRecord::uuid)).toList();
    }
}
