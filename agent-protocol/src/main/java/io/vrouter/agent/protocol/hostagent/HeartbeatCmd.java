package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/**
 * {@code /host/heartbeat}: the management node that tracks this host is there. It arms the host's self-fence: a host
 * that hears no heartbeat for {@code fenceAfterSeconds} and reaches none of {@code peers} (the management addresses
 * of the other hosts of its cluster) stops its routers, since the node will confirm it dead and re-create them
 * elsewhere. {@code fenceAfterSeconds} 0 disarms the fence.
 */
public record HeartbeatCmd(String hostUuid, List<String> peers, int fenceAfterSeconds) {
    public HeartbeatCmd {
        peers = peers == null ? List.of() : List.copyOf(peers);
    }
}
