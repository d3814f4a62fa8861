package io.vrouter.server.task;

/** A task was not run: the queues are shutting down, or the executor refused it (cause set). */
public final class TaskRejectedException extends TaskAbortedException {

    TaskRejectedException(String signature, String taskName, String reason, Throwable cause) {
        super("Task '" + taskName + "' on '" + signature + "' was rejected: " + reason, signature, taskName, cause);
    }
}
