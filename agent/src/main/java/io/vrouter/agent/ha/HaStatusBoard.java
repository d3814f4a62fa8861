package io.vrouter.agent.ha;

import io.vrouter.agent.protocol.HaStatusReply;

/**
 * The router's current HA state with a version that grows at every change, and the long poll on it: the management
 * node's {@code /hastatus} call waits here until the version moves, so a takeover reaches it at once.
 */
public final class HaStatusBoard {
    private HaState state = HaState.NoHa;
    private long version;

    public synchronized HaState state() {
        return state;
    }

    /** Records a new state; a repeat of the current one is no change (keepalived repeats itself on reload). */
    public synchronized boolean set(HaState next) {
        if (next == state) {
            return false;
        }
        state = next;
        version++;
        notifyAll();
        return true;
    }

    /** Answers when the version differs from {@code known}, or after {@code waitMillis} (capped at 60 s). */
    public synchronized HaStatusReply await(long known, int waitMillis) {
        long deadline = System.nanoTime() + Math.min(Math.max(waitMillis, 0), 60_000) * 1_000_000L;
        try {
            while (version == known) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new HaStatusReply(true, null, state.name(), version);
    }
}
