package io.vrouter.agent.protocol.hostagent;

import java.time.Duration;
import java.util.List;

/**
 * {@code /host/heartbeat}: the management node that tracks this host is there. It arms the host's self-fence: a host
 * that hears no heartbeat for {@code fenceAfterSeconds} and reaches none of {@code peers} (the management addresses
 * of the other hosts of its cluster) stops its routers, since the node will confirm it dead and re-create them
 * elsewhere. {@code fenceAfterSeconds} 0 disarms the fence.
 */
public record HeartbeatCmd(String hostUuid, List<String> peers, int fenceAfterSeconds) {
    /** How often the host agent checks whether the bound passed without a heartbeat. */
    public static final Duration FENCE_CHECK_PERIOD = Duration.ofMillis(100);
    /** How long it waits for its peers' echoes before it fences. */
    public static final Duration FENCE_PEER_TIMEOUT = Duration.ofMillis(800);
    /** What stopping its routers (processes killed, addresses flushed, links down) may take. */
    public static final Duration FENCE_STOP_TIME = Duration.ofMillis(500);

    /**
     * How long after the bound (counted from the last heartbeat it received) a host cut off may still run its
     * routers: the management node confirms such a host dead no earlier than this after its last answer, so the
     * copies it re-creates never answer beside the fenced ones.
     */
    public static Duration fenceLag() {
        return FENCE_CHECK_PERIOD.plus(FENCE_PEER_TIMEOUT).plus(FENCE_STOP_TIME);
    }

    public HeartbeatCmd {
        peers = peers == null ? List.of() : List.copyOf(peers);
    }
}
