package io.vrouter.server.hostfailure;

import io.vrouter.server.host.HostRecord;

/** What follows a host's death and its return. Called on the detector's threads, one host at a time. */
public interface HostFailureListener {
    /** The host is confirmed dead (and already recorded Disconnected): move away what must keep running. */
    default void hostDead(HostRecord host) {
    }

    /**
     * A host confirmed dead answers again. Runs before the host is Connected: destroy what it still holds that now
     * runs elsewhere. A failure keeps the host out (retried next round).
     */
    default void hostReturned(HostRecord host) {
    }
}
