package io.vrouter.agent.protocol;

/**
 * Reply of {@code /ping}. A {@code uuid} different from the one sent means the agent restarted and lost its
 * {@code /init}; {@code md5} lets the management node decide whether to upgrade the agent.
 */
public record PingReply(boolean success, String error, String uuid, String version, boolean healthy,
        String healthDetail, String md5) {
}
