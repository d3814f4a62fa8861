package io.vrouter.server.hostfailure;

/**
 * One probe round of a host.
 *
 * @param agentAnswers        its agent answered the management node
 * @param dataPlaneAnswered   how many witnesses reached its data plane
 * @param dataPlaneSilent     how many witnesses probed its data plane and got no answer
 */
public record HostObservation(boolean agentAnswers, int dataPlaneAnswered, int dataPlaneSilent) {
    /** Nothing answered, seen by at least {@code witnesses} probes of the data plane. */
    boolean silent(int witnesses) {
        return !agentAnswers && dataPlaneAnswered == 0 && dataPlaneSilent >= witnesses;
    }
}
