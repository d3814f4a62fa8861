package io.vrouter.server.host;

import java.util.Set;

/**
 * Which hosts this management node tracks: pings, reconnects, watches for death, and acts for when they die. With
 * several management nodes on one database each host is tracked by exactly one live node at a time (the
 * {@code managementnode} package holds the leases); code that acts on a host on its own initiative (a timer, not a
 * user's call) asks here first.
 */
public interface HostOwnership {
    /** Whether this node tracks the host now; false once its lease may have lapsed. */
    boolean owns(String hostUuid);

    /** The hosts this node tracks now. */
    Set<String> ownedHosts();

    /** Called (on the membership's thread) when this node starts or stops tracking hosts. */
    void onChange(Listener listener);

    interface Listener {
        /** This node now tracks these hosts (just added, or taken over from a node that died or left). */
        void acquired(Set<String> hostUuids);

        /** This node no longer tracks these hosts (handed to another node, or its lease lapsed). */
        default void released(Set<String> hostUuids) {
        }
    }
}
