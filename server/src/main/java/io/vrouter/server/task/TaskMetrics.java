package io.vrouter.server.task;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CancellationException;

/**
 * Micrometer meters of one {@link TaskQueues}: totals only, never one meter per signature, because signatures
 * carry resource uuids and 100,000 of them would be 100,000 time series. Per-signature counts are read through
 * {@link TaskQueues#stats(String)}.
 */
final class TaskMetrics {

    enum Outcome { COMPLETED, FAILED, TIMEOUT, REJECTED, SUPERSEDED, CANCELLED }

    private final Counter[] ended = new Counter[Outcome.values().length];

    TaskMetrics(MeterRegistry registry, TaskQueues queues) {
        Gauge.builder("vrouter.task.signatures", queues, TaskQueues::signatureCount)
                .description("sync signatures with waiting or running tasks").register(registry);
        Gauge.builder("vrouter.task.pending", queues, TaskQueues::totalPending)
                .description("tasks waiting for a slot").register(registry);
        Gauge.builder("vrouter.task.running", queues, TaskQueues::totalRunning)
                .description("tasks holding a slot").register(registry);
        for (Outcome o : Outcome.values()) {
            ended[o.ordinal()] = Counter.builder("vrouter.task.ended")
                    .description("tasks by how they ended")
                    .tag("outcome", o.name().toLowerCase())
                    .register(registry);
        }
    }

    void ended(Outcome outcome) {
        ended[outcome.ordinal()].increment();
    }

    static Outcome outcomeOf(Throwable failure) {
        if (failure == null) {
            return Outcome.COMPLETED;
        } else if (failure instanceof TaskTimeoutException) {
            return Outcome.TIMEOUT;
        } else if (failure instanceof TaskRejectedException) {
            return Outcome.REJECTED;
        } else if (failure instanceof TaskSupersededException) {
            return Outcome.SUPERSEDED;
        } else if (failure instanceof CancellationException) {
            return Outcome.CANCELLED;
        }
        return Outcome.FAILED;
    }
}
