package io.vrouter.agent.ha;

import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.agent.state.DesiredState;

/**
 * An HA part without processes: keeps the configuration it was given and reports the state a test (or the
 * Simulator) sets. Enabled, it starts as Backup, as keepalived does; told to stand down, it is Fault.
 */
public final class RecordingHa implements Ha {
    private final HaStatusBoard status = new HaStatusBoard();
    private volatile HaConfig config = HaConfig.DISABLED;
    private final java.util.concurrent.atomic.AtomicInteger announcements = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public synchronized void configure(HaConfig next, DesiredState state) {
        config = next;
        if (!next.enabled()) {
            status.set(HaState.NoHa);
        } else if (next.standDown()) {
            status.set(HaState.Fault);
        } else if (status.state() == HaState.NoHa || status.state() == HaState.Fault) {
            status.set(HaState.Backup);
        }
    }

    @Override
    public void vipsChanged(DesiredState state) {
    }

    @Override
    public boolean holdsVipAddresses() {
        return false;
    }

    /** Counts the announcements; announces only as master, as keepalived's router does. */
    @Override
    public int announce() {
        if (status.state() != HaState.Master) {
            return 0;
        }
        announcements.incrementAndGet();
        return config.floatingAddresses().size();
    }

    /** How many times this router announced its addresses as master. */
    public int announcements() {
        return announcements.get();
    }

    @Override
    public HaConfig config() {
        return config;
    }

    @Override
    public HaStatusBoard status() {
        return status;
    }

    /** What keepalived would have decided: for tests and the Simulator. */
    public void become(HaState state) {
        status.set(state);
    }
}
