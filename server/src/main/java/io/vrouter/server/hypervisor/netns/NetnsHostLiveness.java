package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.hostagent.HeartbeatReply;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.HostStatus;
import io.vrouter.server.hostfailure.HostFailureSettings;
import io.vrouter.server.hostfailure.HostLiveness;
import io.vrouter.server.vm.VmInstances;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Whether a Netns host is still there, for the {@link io.vrouter.server.hostfailure.HostFailureDetector}: its agent
 * answers the node's heartbeat ({@code /host/heartbeat}, which also arms the host's self-fence with its peers and
 * the bound {@code hostFailure/confirm.time}); its data plane is its kernel on the datacenter network, probed by a
 * peer host's agent ({@code /host/probe}: an ICMP echo to the host's management address from the peer's own stack),
 * or by this node when it stands in for a missing peer. A host whose agent died answers the echo (its namespaces and
 * the routers in them keep forwarding): not dead. A host powered off, or cut off from the network, answers nothing.
 *
 * <p>It is the only way the node watches a Netns host (no ping loop of its own): the heartbeat is the agent's ping,
 * its {@code agentUuid} tells an agent restart.
 *
 * <p>A heartbeat reply that names routers the host fenced makes the node reconcile a Connected host at once (they
 * did not move, since the host was never confirmed dead: they run again); a Disconnected host is reconciled by its
 * reconnect.
 */
final class NetnsHostLiveness implements HostLiveness {
    private static final Logger LOG = LoggerFactory.getLogger(NetnsHostLiveness.class);
    /** A heartbeat of a live host answers in milliseconds; a dead one must not hold the round up. */
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration ECHO_TIMEOUT = Duration.ofMillis(700);

    private final HostAgents agents;
    private final GlobalConfigs configs;
    private final VmInstances vms;
    private final NetnsHypervisor hypervisor;

    NetnsHostLiveness(HostAgents agents, GlobalConfigs configs, VmInstances vms, NetnsHypervisor hypervisor) {
        this.agents = agents;
        this.configs = configs;
        this.vms = vms;
        this.hypervisor = hypervisor;
    }

    @Override
    public String hypervisorType() {
        return NetnsHypervisor.TYPE;
    }

    @Override
    public Optional<String> agentAnswers(HostRecord host, List<HostRecord> peers) {
        HeartbeatReply reply;
        try {
            List<String> peerAddresses = peers.stream().map(HostRecord::managementIp).distinct().toList();
            reply = agents.of(host.uuid()).heartbeat(peerAddresses, fenceAfterSeconds(), HEARTBEAT_TIMEOUT);
        } catch (AgentException e) {
            return Optional.empty();
        }
        if (!reply.fenced().isEmpty() && HostStatus.Connected.name().equals(host.status())) {
            LOG.warn("host {} fenced its router(s) {} while cut off, but was never confirmed dead: reconciling it", host.name(),
                    reply.fenced());
            reconcile(host);
        }
        return Optional.of(reply.agentUuid());
    }

    /** The host agent's self-fence: its check period, its peers' echoes, the stop. */
    @Override
    public Duration fenceLag() {
        return io.vrouter.agent.protocol.hostagent.HeartbeatCmd.fenceLag();
    }

    @Override
    public void reconcile(HostRecord host) {
        hypervisor.reconcileHost(host.uuid(), vms.runningOn(host.uuid()));
    }

    /** The host fences itself after a confirmation time without the node: no later than the node confirms it dead. */
    private int fenceAfterSeconds() {
        return HostFailureSettings.enabled(configs) ? (int) HostFailureSettings.confirmTime(configs).toSeconds() : 0;
    }

    @Override
    public Optional<Boolean> dataPlaneAnswers(HostRecord host, HostRecord witness) {
        if (witness == null) {
            return Optional.of(echoFromHere(host.managementIp()));
        }
        try {
            return Optional.of(!agents.of(witness.uuid()).probe(List.of(host.managementIp()), ECHO_TIMEOUT).isEmpty());
        } catch (AgentException e) {
            return Optional.empty(); // the witness itself does not answer: no evidence either way
        }
    }

    private static boolean echoFromHere(String address) {
        try {
            return InetAddress.getByName(address).isReachable((int) ECHO_TIMEOUT.toMillis());
        } catch (IOException e) {
            return false;
        }
    }
}
