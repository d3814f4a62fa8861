package io.vrouter.server.task;

import io.vrouter.platform.threads.DaemonThreads;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.server.Clock;
import io.vrouter.server.db.Uuid;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.task.FlowTables.*;

/**
 * The durable half of {@link FlowChain}: what a running chain has done, written where a node that did not run it
 * can undo it. A {@link FlowChain} rolls back in memory; when the node dies in the middle, memory is gone and the
 * half-done work (rows, addresses, namespaces) would stay forever. So a step that must not outlive a crash is built
 * with {@link #recorded}: before it runs, the chain writes its undo kind and arguments here (write-ahead, so a
 * crash during the step is covered too); when the chain ends, done or wholly rolled back, its rows go.
 *
 * <p>At node start, {@link #recover} undoes every run a dead node left: newest run first (a router created for a
 * VM is undone before the VM), each run's steps in reverse order, each through the {@link FlowUndo} its package
 * registered under the step's kind. An undo that fails stays recorded with its error and attempt count, the run
 * is marked {@code UndoFailed} and logged, and the next {@link #recover} (every node start, and the node's periodic
 * retry) tries it again: nothing half-made is dropped silently.
 *
 * <p>Which node is dead is the caller's to say ({@code nodeIsGone}): a single management node knows that every run
 * it did not start itself belongs to an earlier, dead run of the node; with several nodes on one database, the
 * membership decides. Taking over a run is a compare-and-set on its {@code node_id}, so two recovering nodes never
 * undo the same run.
 */
public final class FlowJournal {
    private static final Logger LOG = LoggerFactory.getLogger(FlowJournal.class);
    static final String RUNNING = "Running";
    static final String UNDO_FAILED = "UndoFailed";
    private static final int MAX_ERROR = 2000;
    private static final TypeReference<Map<String, String>> ARGS = new TypeReference<>() {
    };

    private final DSLContext dsl;
    private final Clock clock;
    private final String nodeId;
    private final Map<String, FlowUndo> undos = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    /** @param nodeId this management node process, different at every start (the owner of the runs it writes) */
    public FlowJournal(DSLContext dsl, Clock clock, String nodeId) {
        this.dsl = Objects.requireNonNull(dsl, "dsl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * Registers how to undo one kind of step; the package that owns what the step changes registers it, named
     * {@code <package>.<what>} (e.g. {@code vm.release-nics}), before any chain using it is built.
     */
    public void registerUndo(String kind, FlowUndo undo) {
        Objects.requireNonNull(undo, "undo");
        if (kind == null || kind.isBlank() || kind.length() > 128) {
            throw new IllegalArgumentException("an undo kind is 1 to 128 characters: '" + kind + "'");
        }
        if (undos.putIfAbsent(kind, undo) != null) {
            throw new IllegalArgumentException("undo kind '" + kind + "' is already registered");
        }
    }

    /**
     * A step recorded before it runs, whose rollback is the undo registered under {@code undoKind}, called with
     * {@code undoArgs} (computed from the context just before the step runs, so they can only hold what is known
     * then: choose identifiers up front rather than learn them from the step).
     */
    public Flow recorded(String name, Flow.Step run, String undoKind, Function<FlowContext, Map<String, String>> undoArgs) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("flow name must not be blank");
        }
        if (!undos.containsKey(undoKind)) {
            throw new IllegalArgumentException("step '" + name + "': no undo registered under '" + undoKind + "'");
        }
        return new RecordedFlow(this, name, run, undoKind, undoArgs);
    }

    /** Undoes one step through its kind's registered undo (the chain's rollback and recovery both come here). */
    void undo(String kind, Map<String, String> args) throws Exception {
        FlowUndo undo = undos.get(kind);
        if (undo == null) {
            throw new IllegalStateException("no undo registered under '" + kind + "'");
        }
        undo.undo(args);
    }

    /** The record of one run of a chain; nothing is written until its first recorded step. */
    Run newRun(String chainName) {
        return new Run(chainName);
    }

    /** One run's rows. Used by the one thread running the chain. */
    final class Run {
        private final String chainName;
        private String uuid;
        private boolean undoFailed;

        private Run(String chainName) {
            this.chainName = chainName;
        }

        /** Writes a step before it runs; the run's own row comes with the first, in the same transaction. */
        void write(int index, String stepName, String undoKind, Map<String, String> args) {
            String encodedArgs = encode(args);
            var now = clock.utcNow();
            if (uuid == null) {
                String runUuid = Uuid.random();
                dsl.transaction(cfg -> {
                    DSLContext tx = DSL.using(cfg);
                    tx.insertInto(RUN).columns(UUID, CHAIN_NAME, NODE_ID, STATE, CREATE_DATE, LAST_OP_DATE)
                            .values(runUuid, truncate(chainName, 512), nodeId, RUNNING, now, now).execute();
                    insertStep(tx, runUuid, index, stepName, undoKind, encodedArgs);
                });
                uuid = runUuid;
            } else {
                insertStep(dsl, uuid, index, stepName, undoKind, encodedArgs);
            }
        }

        /** The step needs no undo any more: it was undone, or its run failed and cleaned up after itself. */
        void forget(int index) {
            if (uuid != null) {
                dsl.deleteFrom(STEP).where(RUN_UUID.eq(uuid)).and(STEP_INDEX.eq(index)).execute();
            }
        }

        /** The step's undo failed in the chain's rollback: it stays for {@link #recover} to try again. */
        void undoFailed(int index, Throwable failure) {
            undoFailed = true;
            if (uuid != null) {
                dsl.update(STEP).set(UNDO_ATTEMPTS, UNDO_ATTEMPTS.plus(1)).set(LAST_ERROR, truncate(String.valueOf(failure), MAX_ERROR))
                        .where(RUN_UUID.eq(uuid)).and(STEP_INDEX.eq(index)).execute();
            }
        }

        /**
         * The chain ended: done, or rolled back. Its rows go, unless an undo failed: then the run is marked
         * {@code UndoFailed} and waits for {@link #recover}.
         */
        void end() {
            if (uuid == null) {
                return;
            }
            if (undoFailed) {
                dsl.update(RUN).set(STATE, UNDO_FAILED).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
                LOG.warn("flow chain '{}' (run {}) left undo(s) that failed; they are retried by the journal's recovery", chainName, uuid);
            } else {
                dsl.deleteFrom(RUN).where(UUID.eq(uuid)).execute();
            }
        }
    }

    private static void insertStep(DSLContext tx, String runUuid, int index, String stepName, String undoKind, String args) {
        tx.insertInto(STEP).columns(RUN_UUID, STEP_INDEX, STEP_NAME, UNDO_KIND, UNDO_ARGS)
                .values(runUuid, index, truncate(stepName, 512), undoKind, args).execute();
    }

    // ---------------------------------------------------------------- recovery

    /** A recorded step still to be undone. */
    public record PendingUndo(String runUuid, String chainName, String nodeId, String runState, int stepIndex,
                              String stepName, String undoKind, Map<String, String> args, int attempts, String lastError) {
    }

    /**
     * What one {@link #recover} did.
     *
     * @param runs   runs taken over (those of dead nodes, and this node's own whose undo had failed)
     * @param undone steps undone
     * @param failed steps whose undo failed again; they stay recorded
     */
    public record Recovery(int runs, int undone, List<PendingUndo> failed) {
    }

    /**
     * Undoes what dead nodes left half done, and retries this node's own failed undos. Runs are taken newest
     * first and their steps in reverse order; a failing undo is recorded and the run's earlier steps are still
     * undone (as the chain's own rollback does), the failed one waits for the next call.
     *
     * @param nodeIsGone whether the node that wrote a run is dead (never asked about this node)
     */
    public synchronized Recovery recover(Predicate<String> nodeIsGone) {
        int runs = 0;
        int undone = 0;
        List<PendingUndo> failed = new ArrayList<>();
        var rows = dsl.select(UUID, CHAIN_NAME, NODE_ID, STATE).from(RUN).orderBy(SEQ.desc()).fetch();
        for (var row : rows) {
            String runUuid = row.get(UUID);
            String owner = row.get(NODE_ID);
            boolean mine = nodeId.equals(owner);
            if (mine ? !UNDO_FAILED.equals(row.get(STATE)) : !nodeIsGone.test(owner)) {
                continue; // a run in progress, here or on a live node
            }
            if (!mine && dsl.update(RUN).set(NODE_ID, nodeId).set(LAST_OP_DATE, clock.utcNow())
                    .where(UUID.eq(runUuid)).and(NODE_ID.eq(owner)).execute() != 1) {
                continue; // another node took it over first
            }
            runs++;
            List<PendingUndo> steps = stepsOf(runUuid, row.get(CHAIN_NAME), owner, row.get(STATE));
            LOG.warn("undoing flow chain '{}' (run {}) that node {} left unfinished: {} step(s) to undo", row.get(CHAIN_NAME),
                    runUuid, owner, steps.size());
            boolean runFailed = false;
            for (PendingUndo step : steps) {
                try {
                    undo(step.undoKind(), step.args());
                    dsl.deleteFrom(STEP).where(RUN_UUID.eq(runUuid)).and(STEP_INDEX.eq(step.stepIndex())).execute();
                    undone++;
                } catch (Exception e) {
                    runFailed = true;
                    dsl.update(STEP).set(UNDO_ATTEMPTS, UNDO_ATTEMPTS.plus(1)).set(LAST_ERROR, truncate(e.toString(), MAX_ERROR))
                            .where(RUN_UUID.eq(runUuid)).and(STEP_INDEX.eq(step.stepIndex())).execute();
                    failed.add(new PendingUndo(runUuid, step.chainName(), owner, UNDO_FAILED, step.stepIndex(), step.stepName(),
                            step.undoKind(), step.args(), step.attempts() + 1, e.toString()));
                    LOG.error("undo of step '{}' ({} {}) of flow chain '{}' failed (attempt {}); it stays recorded and is retried: {}",
                            step.stepName(), step.undoKind(), step.args(), step.chainName(), step.attempts() + 1, e.toString(), e);
                }
            }
            if (runFailed) {
                dsl.update(RUN).set(STATE, UNDO_FAILED).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(runUuid)).execute();
            } else {
                dsl.deleteFrom(RUN).where(UUID.eq(runUuid)).execute();
            }
        }
        if (runs > 0) {
            LOG.warn("flow journal: {} unfinished run(s) undone, {} step(s) undone, {} undo(s) failed and wait for a retry",
                    runs, undone, failed.size());
        }
        return new Recovery(runs, undone, List.copyOf(failed));
    }

    /**
     * Calls {@link #recover} every {@code period} on a thread of its own, until the returned handle is closed: a
     * failed undo is retried while the node runs, and with several nodes, the runs of one that dies meanwhile are
     * taken over. A failing pass is logged and the next one comes anyway.
     */
    public AutoCloseable retryEvery(Duration period, Predicate<String> nodeIsGone) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("flow-journal-retry"));
        timer.scheduleWithFixedDelay(() -> {
            try {
                recover(nodeIsGone);
            } catch (RuntimeException e) {
                LOG.warn("flow journal: a recovery pass failed ({}); the next comes in {} s", e.toString(), period.toSeconds());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }

    /** How many recorded steps wait for an undo, for the node's metrics (a gauge that should be zero). */
    public int pendingCount() {
        return dsl.fetchCount(STEP);
    }

    /** Every step still recorded, newest run first and each run's steps in reverse order (for operators and tests). */
    public List<PendingUndo> pending() {
        List<PendingUndo> out = new ArrayList<>();
        var rows = dsl.select(UUID, CHAIN_NAME, NODE_ID, STATE).from(RUN).orderBy(SEQ.desc()).fetch();
        for (var row : rows) {
            out.addAll(stepsOf(row.get(UUID), row.get(CHAIN_NAME), row.get(NODE_ID), row.get(STATE)));
        }
        return out;
    }

    private List<PendingUndo> stepsOf(String runUuid, String chainName, String owner, String state) {
        return dsl.select(STEP_INDEX, STEP_NAME, UNDO_KIND, UNDO_ARGS, UNDO_ATTEMPTS, LAST_ERROR).from(STEP)
                .where(RUN_UUID.eq(runUuid)).orderBy(STEP_INDEX.desc())
                .fetch(r -> new PendingUndo(runUuid, chainName, owner, state, r.get(STEP_INDEX), r.get(STEP_NAME),
                        r.get(UNDO_KIND), decode(r.get(UNDO_ARGS)), r.get(UNDO_ATTEMPTS), r.get(LAST_ERROR)));
    }

    private String encode(Map<String, String> args) {
        try {
            return json.writeValueAsString(args);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("undo arguments cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private Map<String, String> decode(String args) {
        try {
            return Map.copyOf(json.readValue(args, ARGS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("recorded undo arguments are not a JSON object of strings: " + e.getMessage(), e);
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
