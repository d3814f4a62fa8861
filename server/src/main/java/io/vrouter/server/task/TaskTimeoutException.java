package io.vrouter.server.task;

import java.time.Duration;

/** A task passed its timeout; the message names the signature, the task, the elapsed time and the queue's counts. */
public final class TaskTimeoutException extends TaskAbortedException {

    private final Duration elapsed;
    private final boolean wasRunning;

    TaskTimeoutException(String signature, String taskName, Duration elapsed, boolean wasRunning,
                         QueueStats stats) {
        super("Task '" + taskName + "' on '" + signature + "' timed out after " + elapsed.toMillis() + "ms "
                + (wasRunning ? "while running" : "while waiting in the queue")
                + " (running=" + stats.running() + "/" + stats.parallelism() + ", pending=" + stats.pending() + ")",
                signature, taskName, null);
        this.elapsed = elapsed;
        this.wasRunning = wasRunning;
    }

    /** Time from submission to the timeout. */
    public Duration elapsed() {
        return elapsed;
    }

    /** Whether the task had started (and its worker was interrupted) or was still waiting. */
    public boolean wasRunning() {
        return wasRunning;
    }
}
