package io.vrouter.server.hostfailure;

import io.vrouter.server.host.HostRecord;

import java.util.List;
import java.util.Optional;

/**
 * How the management node asks whether a host of one hypervisor type is still there: its agent, and its data plane
 * (what forwards guests' packets: bridges, router namespaces) seen from a witness. A host agent implementation
 * answers {@link #agentAnswers} with its ping and {@link #dataPlaneAnswers} by asking the witness host's agent to
 * probe the host's data-plane addresses (its VTEP or bridge address, its routers' nics). The
 * {@link HostFailureDetector} is the one loop that asks: a type brings no loop of its own.
 */
public interface HostLiveness {
    /** The hypervisor type whose hosts this probes. */
    String hypervisorType();

    /**
     * Whether the host's agent answers this management node now (one bounded attempt): the identity of the agent
     * process that answered (another one after each start of the agent), or empty when it did not answer.
     *
     * @param peers the other hosts of its zone and hypervisor type, worked out once per round (a host agent that
     *              fences itself looks for them)
     */
    Optional<String> agentAnswers(HostRecord host, List<HostRecord> peers);

    /**
     * Whether the host's data plane answers, probed from the witness host, or from this management node when
     * {@code witness} is null. Empty when the witness could not probe at all (its own agent does not answer): that
     * is no evidence either way.
     */
    Optional<Boolean> dataPlaneAnswers(HostRecord host, HostRecord witness);

    /**
     * How long after {@code hostFailure/confirm.time} without the node a host of this type may still run its routers
     * (a host agent that fences itself checks, asks its peers, then stops them): the detector confirms a death no
     * earlier than this after the host's last answer. Zero for a type whose hosts fence at once.
     */
    default java.time.Duration fenceLag() {
        return java.time.Duration.ZERO;
    }

    /**
     * The agent of a Connected host restarted (another identity): make the host hold what the database says runs
     * there, since the new agent may not know all of it.
     */
    void reconcile(HostRecord host);
}
