package io.vrouter.server.hostfailure;

import io.vrouter.server.host.HostRecord;

/** What follows a host's death and its return. Called on the detector's threads, one host at a time. */
public interface HostFailureListener {
    /** The host is confirmed dead (and already recorded Disconnected): move away what must keep running. */
    default void hostDead(HostRecord host) {
    }

    /**
     * The host's agent has not answered for {@code host/ping.interval} times {@code host/ping.maxMisses} seconds and
     * the host is recorded Disconnected (not confirmed dead: its data plane may well forward): what runs there can
     * no longer be told.
     */
    default void agentLost(HostRecord host) {
    }

    /**
     * A host that was confirmed dead, or silent for a while, answers again and is Connected (its connect gates have
     * destroyed what it held of VMs that moved): make it hold what the database says runs there.
     */
    default void hostReturned(HostRecord host) {
    }
}
