package io.vrouter.server.task;

import java.time.Duration;

/**
 * The time source and timer of {@link TaskQueues}. It exists so that timeouts are testable: production code uses
 * {@link #system()}, tests use a fake clock that they advance by hand, and no test sleeps to see a timeout fire.
 *
 * <p>Implementations must run scheduled actions off the caller's thread or, for a fake clock, from its advance
 * method; an action must never run inside {@link #schedule}.
 */
public interface TaskClock {

    /** Monotonic time in nanoseconds, comparable only with other values of the same clock. */
    long nanoTime();

    /** Runs {@code action} once after {@code delay}, unless cancelled first. */
    Cancellable schedule(Duration delay, Runnable action);

    /** A scheduled action that can be withdrawn; cancelling after it ran, or twice, does nothing. */
    interface Cancellable {
        void cancel();
    }

    /** The JVM-wide system clock, whose timer is one daemon thread shared by every queue. */
    static TaskClock system() {
        return SystemTaskClock.INSTANCE;
    }
}
