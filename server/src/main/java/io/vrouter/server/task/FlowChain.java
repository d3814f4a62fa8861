package io.vrouter.server.task;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multi-step operation that leaves nothing half-made: the steps run in order, and when one fails, every step that
 * completed is rolled back in reverse order. Every rollback runs even when an earlier one fails; the caller gets
 * one {@link FlowException} whose cause is the first failure and whose suppressed exceptions are the failed
 * rollbacks, so nothing is lost.
 *
 * <p>Synchronous: {@link #run} works on the caller's thread, usually a {@link TaskQueues} worker that already
 * serialises the resource. If the thread was interrupted (a task timeout), rollbacks run with the interrupt flag
 * cleared, so that their own blocking calls work, and the flag is restored afterwards.
 *
 * <p>Steps built with {@link FlowJournal#recorded} are also written to that journal before they run, so that a
 * node start after a crash undoes them in reverse order when this node cannot (see {@link FlowJournal}); the
 * chain's rows go when it ends, done or wholly rolled back. A chain without such steps writes nothing.
 *
 * <p>What the caller owes it: steps that keep their state in the {@link FlowContext}, not in fields, if one built
 * chain is run more than once or from several threads; building (the {@code then}/{@code done}/{@code error}
 * calls) is not thread-safe and should finish before the first run.
 *
 * <pre>{@code
 * FlowContext ctx = FlowChain.named("create-vr")
 *         .then(Flow.of("allocate-nics", c -> c.put(NICS, ipam.allocate(l3s)), c -> ipam.release(c.get(NICS))))
 *         .then(new CreateVmFlow(hypervisor))
 *         .then(Flow.of("connect-agent", c -> agents.connect(c.get(VR_UUID))))
 *         .run();
 * }</pre>
 */
public final class FlowChain {

    private static final Logger log = LoggerFactory.getLogger(FlowChain.class);

    private final String name;
    private final List<Flow> flows = new ArrayList<>();
    /** Per step, the stage it runs in: steps of one stage run at the same time ({@link #thenTogether}). */
    private final List<Integer> stages = new ArrayList<>();
    private final Set<String> stepNames = new HashSet<>();
    private final List<Consumer<FlowContext>> doneHooks = new ArrayList<>(1);
    private final List<BiConsumer<FlowContext, FlowException>> errorHooks = new ArrayList<>(1);
    /** The journal of the chain's recorded steps, if it has any. */
    private FlowJournal journal;

    private FlowChain(String name) {
        this.name = name;
    }

    /** @param name what the chain does, e.g. {@code "create-vr"}; it appears in every error */
    public static FlowChain named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("flow chain name must not be blank");
        }
        return new FlowChain(name);
    }

    /** Appends a step. Step names are unique within a chain, so that an error names one step. */
    public FlowChain then(Flow flow) {
        Objects.requireNonNull(flow, "flow");
        String stepName = flow.name();
        if (stepName == null || stepName.isBlank()) {
            throw new IllegalArgumentException("flow chain '" + name + "': step " + (flows.size() + 1)
                    + " has no name");
        }
        if (!stepNames.add(stepName)) {
            throw new IllegalArgumentException("flow chain '" + name + "' already has a step named '"
                    + stepName + "'");
        }
        if (flow instanceof RecordedFlow recorded) {
            if (journal != null && journal != recorded.journal()) {
                throw new IllegalArgumentException("flow chain '" + name + "': step '" + stepName
                        + "' is recorded in another journal than the chain's earlier steps");
            }
            journal = recorded.journal();
        }
        flows.add(flow);
        stages.add(stages.isEmpty() ? 0 : stages.get(stages.size() - 1) + 1);
        return this;
    }

    /**
     * Appends steps that run at the same time, as one stage: {@code first} on the caller's thread, each of
     * {@code others} on a thread of its own; the chain goes on when all of them ended. For steps that wait on
     * different parties (a VM's host plumbs its nics while its L3's router makes its DHCP entry).
     *
     * <p>The chain's guarantees hold for the stage as for single steps: recorded steps are written to the journal
     * before any step of the stage runs; when one fails, the others still run to their end (nothing is abandoned
     * half-way), those that completed are rolled back with the earlier steps, and the chain's failure is that of the
     * first failed step in the order given (the others' are added to it as suppressed).
     */
    public FlowChain thenTogether(Flow first, Flow... others) {
        int stage = stages.isEmpty() ? 0 : stages.get(stages.size() - 1) + 1;
        then(first);
        for (Flow other : others) {
            then(other);
        }
        for (int i = stages.size() - 1 - others.length; i < stages.size(); i++) {
            stages.set(i, stage);
        }
        return this;
    }

    public FlowChain then(String stepName, Flow.Step run) {
        return then(Flow.of(stepName, run));
    }

    public FlowChain then(String stepName, Flow.Step run, Flow.Step rollback) {
        return then(Flow.of(stepName, run, rollback));
    }

    /**
     * Runs after every step succeeded, in the order added. An exception it throws reaches the caller unchanged and
     * rolls nothing back: the steps did complete.
     */
    public FlowChain done(Consumer<FlowContext> hook) {
        doneHooks.add(Objects.requireNonNull(hook, "hook"));
        return this;
    }

    /**
     * Runs after the rollbacks of a failed run, with the exception about to be thrown. An exception it throws is
     * added to that one as suppressed.
     */
    public FlowChain error(BiConsumer<FlowContext, FlowException> hook) {
        errorHooks.add(Objects.requireNonNull(hook, "hook"));
        return this;
    }

    public String name() {
        return name;
    }

    /** The step names, in run order. */
    public List<String> stepNames() {
        return flows.stream().map(Flow::name).toList();
    }

    /** Runs the chain with a fresh context and returns it. */
    public FlowContext run() {
        return run(new FlowContext());
    }

    /**
     * Runs the chain with the given context (pre-filled with the operation's inputs) and returns it.
     *
     * @throws FlowException when a step failed, after every completed step was rolled back
     */
    public FlowContext run(FlowContext context) {
        Objects.requireNonNull(context, "context");
        FlowJournal.Run record = journal == null ? null : journal.newRun(name);
        List<Completed> completed = new ArrayList<>(flows.size());
        for (int i = 0; i < flows.size(); ) {
            int end = i + 1;
            while (end < flows.size() && stages.get(end).equals(stages.get(i))) {
                end++;
            }
            if (end - i > 1) {
                runTogether(context, record, completed, i, end);
                i = end;
                continue;
            }
            Flow flow = flows.get(i);
            boolean written = false;
            try {
                if (flow.skip(context)) {
                    log.debug("Flow chain '{}': step '{}' skipped", name, flow.name());
                    i++;
                    continue;
                }
                long started = System.nanoTime();
                if (flow instanceof RecordedFlow recorded && record != null) {
                    // before the step runs: a crash in the middle of it must find it recorded
                    record.write(i, recorded.name(), recorded.undoKind(), recorded.prepare(context));
                    written = true;
                }
                flow.run(context);
                // where an operation's time goes, step by step (docs/benchmarks.md: create -> lease)
                log.debug("Flow chain '{}': step '{}' took {} ms", name, flow.name(), (System.nanoTime() - started) / 1_000_000);
            } catch (Throwable failure) {
                if (written) {
                    // a failed run cleans up its own partial work (the Flow contract): nothing left to undo
                    forgetQuietly(record, i, failure);
                }
                throw rollBack(context, completed, record, flow.name(), i + 1, failure);
            }
            completed.add(new Completed(flow, i));
            i++;
        }
        if (record != null) {
            try {
                record.end();
            } catch (Throwable failure) {
                // the journal would undo at the next start what this run reports done: undo it now instead
                throw rollBack(context, completed, record, "end of journal record", flows.size(), failure);
            }
        }
        for (Consumer<FlowContext> hook : doneHooks) {
            hook.accept(context);
        }
        return context;
    }

    /**
     * Runs steps {@code from} (inclusive) to {@code to} (exclusive) at the same time: the first on this thread, the
     * others on threads of their own, all of them to their end; on a failure, rolls back what completed (this stage's
     * and the earlier steps) and throws.
     */
    private void runTogether(FlowContext context, FlowJournal.Run record, List<Completed> completed, int from, int to) {
        int n = to - from;
        boolean[] runs = new boolean[n];
        boolean[] written = new boolean[n];
        Throwable[] failures = new Throwable[n];
        Thread[] threads = new Thread[n];
        try {
            for (int k = 0; k < n; k++) {
                Flow flow = flows.get(from + k);
                runs[k] = !flow.skip(context);
                if (!runs[k]) {
                    log.debug("Flow chain '{}': step '{}' skipped", name, flow.name());
                } else if (flow instanceof RecordedFlow recorded && record != null) {
                    // every step of the stage recorded before any of them runs
                    record.write(from + k, recorded.name(), recorded.undoKind(), recorded.prepare(context));
                    written[k] = true;
                }
            }
        } catch (Throwable failure) {
            for (int k = 0; k < n; k++) {
                if (written[k]) {
                    forgetQuietly(record, from + k, failure);
                }
            }
            throw rollBack(context, completed, record, flows.get(from).name(), from + 1, failure);
        }
        for (int k = 1; k < n; k++) {
            if (runs[k]) {
                int step = k;
                threads[k] = new Thread(() -> failures[step] = runTimed(context, flows.get(from + step)),
                        "flow-" + flows.get(from + k).name());
                threads[k].setDaemon(true);
                threads[k].start();
            }
        }
        if (runs[0]) {
            failures[0] = runTimed(context, flows.get(from));
        }
        boolean interrupted = false;
        for (int k = 1; k < n; k++) {
            while (threads[k] != null) {
                try {
                    threads[k].join(); // a failed or interrupted stage still waits for its steps: never half-made
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        Throwable first = null;
        int failedAt = -1;
        for (int k = 0; k < n; k++) {
            if (!runs[k]) {
                continue;
            }
            if (failures[k] == null) {
                completed.add(new Completed(flows.get(from + k), from + k));
            } else if (first == null) {
                first = failures[k];
                failedAt = k;
            } else {
                first.addSuppressed(failures[k]);
            }
        }
        if (first != null) {
            for (int k = 0; k < n; k++) {
                if (written[k] && failures[k] != null) {
                    forgetQuietly(record, from + k, first);
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw rollBack(context, completed, record, flows.get(from + failedAt).name(), from + failedAt + 1, first);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs one step and logs its time; returns its failure, or null. */
    private Throwable runTimed(FlowContext context, Flow flow) {
        long started = System.nanoTime();
        try {
            flow.run(context);
            log.debug("Flow chain '{}': step '{}' took {} ms", name, flow.name(), (System.nanoTime() - started) / 1_000_000);
            return null;
        } catch (Throwable failure) {
            return failure;
        }
    }

    /** A step that ran, with its position in the chain (its key in the journal). */
    private record Completed(Flow flow, int index) {
    }

    private static void forgetQuietly(FlowJournal.Run record, int index, Throwable failure) {
        try {
            record.forget(index);
        } catch (Throwable t) {
            // recorded still: the recovery will call its undo, which tolerates absent work
            failure.addSuppressed(t);
        }
    }

    // ------------------------------------------------------------------ rollback

    private static void noteUndoFailed(FlowJournal.Run record, int index, Throwable undoFailure, Throwable failure) {
        try {
            record.undoFailed(index, undoFailure);
        } catch (Throwable t) {
            failure.addSuppressed(t);
        }
    }

    private FlowException rollBack(FlowContext context, List<Completed> completed, FlowJournal.Run record,
                                   String failedStep, int position, Throwable failure) {
        // a timeout interrupts the worker; the undo steps' own blocking calls must still work
        boolean interrupted = Thread.interrupted() || failure instanceof InterruptedException;
        List<String> rolledBack = new ArrayList<>(completed.size());
        List<FlowRollbackException> rollbackFailures = new ArrayList<>(0);
        for (int i = completed.size() - 1; i >= 0; i--) {
            Flow flow = completed.get(i).flow();
            rolledBack.add(flow.name());
            boolean undone = false;
            try {
                flow.rollback(context);
                undone = true;
            } catch (Throwable t) {
                if (t instanceof InterruptedException) {
                    interrupted = true;
                }
                Thread.interrupted(); // the next rollback deserves a clean start too
                rollbackFailures.add(new FlowRollbackException(name, flow.name(), t));
                if (record != null && flow instanceof RecordedFlow) {
                    noteUndoFailed(record, completed.get(i).index(), t, failure);
                }
            }
            if (undone && record != null && flow instanceof RecordedFlow) {
                forgetQuietly(record, completed.get(i).index(), failure);
            }
        }
        if (record != null) {
            try {
                record.end();
            } catch (Throwable t) {
                failure.addSuppressed(t);
            }
        }

        StringBuilder message = new StringBuilder()
                .append("Flow chain '").append(name).append("' failed at step '").append(failedStep)
                .append("' (").append(position).append(" of ").append(flows.size()).append("): ").append(failure);
        if (!rolledBack.isEmpty()) {
            message.append("; rolled back ").append(rolledBack.size()).append(" step(s)");
        }
        if (!rollbackFailures.isEmpty()) {
            message.append(", ").append(rollbackFailures.size()).append(" rollback(s) failed: ")
                    .append(rollbackFailures.stream().map(f -> "'" + f.step() + "'").toList());
        }
        FlowException ex = new FlowException(message.toString(), name, failedStep, rolledBack, failure);
        rollbackFailures.forEach(ex::addSuppressed);
        if (rollbackFailures.isEmpty()) {
            log.debug(ex.getMessage());
        } else {
            // something is left half-made: say so loudly, the caller may only log the cause
            log.warn(ex.getMessage(), ex);
        }

        for (BiConsumer<FlowContext, FlowException> hook : errorHooks) {
            try {
                hook.accept(context, ex);
            } catch (Throwable t) {
                ex.addSuppressed(t);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ex;
    }
}
