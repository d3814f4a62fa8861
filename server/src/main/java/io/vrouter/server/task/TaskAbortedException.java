package io.vrouter.server.task;

/**
 * A task ended without running to its own end: it timed out, was rejected, or was superseded. The task's own
 * failures are delivered as they were thrown, never wrapped in this type.
 */
public abstract sealed class TaskAbortedException extends RuntimeException
        permits TaskTimeoutException, TaskRejectedException, TaskSupersededException {

    private final String signature;
    private final String taskName;

    TaskAbortedException(String message, String signature, String taskName, Throwable cause) {
        super(message, cause);
        this.signature = signature;
        this.taskName = taskName;
    }

    public String signature() {
        return signature;
    }

    public String taskName() {
        return taskName;
    }
}
