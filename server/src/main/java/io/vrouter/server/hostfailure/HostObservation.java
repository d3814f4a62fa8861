package io.vrouter.server.hostfailure;

/**
 * One probe round of a host.
 *
 * @param agentAnswers        its agent answered the management node
 * @param dataPlaneAnswered   how many witnesses reached its data plane
 * @param dataPlaneSilent     how many witnesses probed its data plane and got no answer
 * @param agentIdentity       the identity of the agent that answered ({@link HostLiveness#agentAnswers}), or null
 */
public record HostObservation(boolean agentAnswers, int dataPlaneAnswered, int dataPlaneSilent, String agentIdentity) {
    /** A round whose agent's identity does not matter (the rule itself, its tests). */
    public HostObservation(boolean agentAnswers, int dataPlaneAnswered, int dataPlaneSilent) {
        this(agentAnswers, dataPlaneAnswered, dataPlaneSilent, null);
    }

    /** Nothing answered, seen by at least {@code witnesses} probes of the data plane. */
    boolean silent(int witnesses) {
        return !agentAnswers && dataPlaneAnswered == 0 && dataPlaneSilent >= witnesses;
    }
}
