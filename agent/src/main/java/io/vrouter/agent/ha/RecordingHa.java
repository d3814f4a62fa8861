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
