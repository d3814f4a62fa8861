package io.vrouter.server.task;

/** A waiting task was replaced by a newer one with the same coalescing key on the same signature. */
public final class TaskSupersededException extends TaskAbortedException {

    private final String coalescingKey;

    TaskSupersededException(String signature, String taskName, String coalescingKey) {
        super("Task '" + taskName + "' on '" + signature + "' was superseded by a newer task with coalescing key '"
                + coalescingKey + "'", signature, taskName, null);
        this.coalescingKey = coalescingKey;
    }

    public String coalescingKey() {
        return coalescingKey;
    }
}
