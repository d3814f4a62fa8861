package io.vrouter.agent.dataplane;

import java.util.List;

import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.state.StateDelta;

/**
 * Makes the system provide the desired state. Calls to {@link #apply} come one at a time per agent (the agent
 * serialises its commands); {@link #commandStarted}/{@link #commandFinished} come from every request thread, as
 * each command arrives and leaves, so an implementation can observe how many run at once.
 */
public interface Dataplane extends AutoCloseable {

    /**
     * Applies {@code delta}; {@code state} already includes it. When {@code delta.fullSync()} the command
     * replaces whole sections of the state (an implementation that knows its applied state may still apply only
     * the difference), else only the delta is touched. On failure throws and leaves the previous state in place.
     */
    void apply(StateDelta delta, DesiredState state);

    /**
     * Makes the system match {@code state} whole, whatever happened to it behind the dataplane's back (the
     * management node's connect and Reconnect start with /init, which calls this).
     */
    default void reapply(DesiredState state) {
        apply(StateDelta.fullSyncOnly(), state);
    }

    /**
     * The router no longer holds these addresses (a pair's floating addresses, the pair gone): flows to them or
     * translated to them are forgotten, so one still going is translated anew, to an address the router holds.
     */
    default void forgetFlowsOf(List<String> addresses) {
    }

    /** A short name for logs and {@code /status}: "linux", "recording". */
    String name();

    /** False while a failed apply left the system in an unknown state; the next apply then rewrites everything. */
    default boolean inSync() {
        return true;
    }

    default Health health() {
        return Health.OK;
    }

    /** A command arrived for this agent (before it waits for the agent's lock). */
    default void commandStarted(String path) {
    }

    /** A command left, successfully or not. */
    default void commandFinished(String path, boolean success) {
    }

    /** Stops what the dataplane started (processes); leaves kernel state unless configured otherwise. */
    @Override
    default void close() {
    }
}
