package io.vrouter.agent.protocol;

/**
 * Reply of {@code /ping}. A {@code uuid} different from the one sent means the agent restarted and lost its
 * {@code /init}; {@code md5} lets the management node decide whether to upgrade the agent; {@code haStatus} is
 * what {@code /hastatus} reports ({@code NoHa} for a plain router).
 */
public record PingReply(boolean success, String error, String uuid, String version, boolean healthy,
        String healthDetail, String md5, String haStatus) {

    /** A reply of an agent that is not one of a VRRP pair. */
    public PingReply(boolean success, String error, String uuid, String version, boolean healthy, String healthDetail,
            String md5) {
        this(success, error, uuid, version, healthy, healthDetail, md5, "NoHa");
    }
}
