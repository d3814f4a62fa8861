package io.vrouter.server.task;

import io.vrouter.server.Clock;
import io.vrouter.server.db.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The flow journal on a real (H2 file) database: a chain's recorded steps are written before they run and gone when
 * it ends; what a dead node left is undone by the next node in reverse order, across runs newest first; an undo
 * that fails stays recorded with its error and is retried, never dropped.
 */
class FlowJournalTest {
    private static final FlowKey<String> VM = FlowKey.of("vm");

    @TempDir
    Path dir;
    private Database db;
    /** What the undos did, in order, as "kind:arg". */
    private final List<String> undone = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        db = Database.open(Database.h2FileUrl(dir), null, null, 4);
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** A node's journal with the test's undo kinds registered, as every node registers its packages'. */
    private FlowJournal node(String nodeId) {
        FlowJournal journal = new FlowJournal(db.dsl(), Clock.SYSTEM, nodeId);
        journal.registerUndo("test.delete-record", args -> undone.add("delete-record:" + args.get("vm")));
        journal.registerUndo("test.release-ips", args -> undone.add("release-ips:" + args.get("ips")));
        journal.registerUndo("test.stop", args -> undone.add("stop:" + args.get("vm")));
        return journal;
    }

    private static FlowChain createVm(FlowJournal journal, Flow.Step lastStep) {
        return FlowChain.named("create-vm")
                .then("choose host", ctx -> ctx.put(VM, "vm-1"))
                .then(journal.recorded("write record", ctx -> { }, "test.delete-record", ctx -> Map.of("vm", ctx.get(VM))))
                .then(journal.recorded("allocate ips", ctx -> { }, "test.release-ips", ctx -> Map.of("ips", "ip-1,ip-2")))
                .then(journal.recorded("start", lastStep, "test.stop", ctx -> Map.of("vm", ctx.get(VM))));
    }

    @Test
    void aChainThatEndsLeavesNothingRecorded_andItsStepsWereRecordedBeforeTheyRan() {
        FlowJournal journal = node("node-a");
        AtomicInteger recordedWhileRunning = new AtomicInteger();
        createVm(journal, ctx -> recordedWhileRunning.set(journal.pending().size())).run();

        assertThat(recordedWhileRunning.get()).as("the three recorded steps, the running one included").isEqualTo(3);
        assertThat(journal.pending()).isEmpty();
        assertThat(db.dsl().fetchCount(FlowTables.RUN)).isZero();
        assertThat(undone).isEmpty();
    }

    @Test
    void recordedStepsTogether_areAllWrittenBeforeAnyRuns_andAFailureUndoesTheOneThatCompleted() {
        FlowJournal journal = node("node-a");
        List<Integer> recordedWhenEachRan = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> FlowChain.named("create-vm")
                .then("load", ctx -> ctx.put(VM, "vm-1"))
                .thenTogether(journal.recorded("network services", ctx -> {
                            recordedWhenEachRan.add(journal.pending().size());
                            throw new IllegalStateException("router said no");
                        }, "test.release-ips", ctx -> Map.of("ips", "ip-1")),
                        journal.recorded("prepare on hypervisor", ctx -> recordedWhenEachRan.add(journal.pending().size()),
                                "test.stop", ctx -> Map.of("vm", ctx.get(VM))))
                .run()).isInstanceOf(FlowException.class).hasMessageContaining("router said no");

        assertThat(recordedWhenEachRan).as("both steps recorded before either ran").containsOnly(2);
        // the failed step cleaned up after itself (the Flow contract); the one that completed is undone
        assertThat(undone).containsExactly("stop:vm-1");
        assertThat(journal.pending()).isEmpty();
        assertThat(db.dsl().fetchCount(FlowTables.RUN)).isZero();
    }

    @Test
    void aChainWithoutRecordedStepsWritesNothing() {
        FlowJournal journal = node("node-a");
        FlowChain.named("plain").then("a", ctx -> assertThat(journal.pending()).isEmpty()).run();
        assertThat(db.dsl().fetchCount(FlowTables.RUN)).isZero();
    }

    @Test
    void aFailureInProcessUndoesThroughTheRegisteredUndos_inReverseOrder_andForgetsTheRun() {
        FlowJournal journal = node("node-a");
        assertThatThrownBy(() -> createVm(journal, ctx -> {
            throw new IllegalStateException("hypervisor said no");
        }).run()).isInstanceOf(FlowException.class).hasMessageContaining("hypervisor said no");

        // the failed step cleaned up after itself (the Flow contract); the two before it are undone, last first
        assertThat(undone).containsExactly("release-ips:ip-1,ip-2", "delete-record:vm-1");
        assertThat(journal.pending()).isEmpty();
        assertThat(db.dsl().fetchCount(FlowTables.RUN)).isZero();
    }

    @Test
    void whatADeadNodeLeftIsUndoneByTheNextInReverseOrder_newestRunFirst() throws Exception {
        FlowJournal dead = node("node-dead");
        // two runs in flight when the node "dies": the outer one (a VM create) and one it started (its router)
        CountDownLatch outerStarted = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Thread outer = new Thread(() -> swallow(() -> createVm(dead, ctx -> {
            FlowChain.named("create-router")
                    .then(dead.recorded("claim", c -> { }, "test.delete-record", c -> Map.of("vm", "router-1")))
                    .then(dead.recorded("start router", c -> {
                        outerStarted.countDown();
                        never.await();
                    }, "test.stop", c -> Map.of("vm", "router-1")))
                    .run();
        }).run()));
        outer.setDaemon(true);
        outer.start();
        outerStarted.await();
        assertThat(dead.pending()).extracting(FlowJournal.PendingUndo::stepName)
                .containsExactly("start router", "claim", "start", "allocate ips", "write record");

        // a new node on the same database: the dead node's runs are undone, newest first, each in reverse order
        FlowJournal next = node("node-next");
        FlowJournal.Recovery recovery = next.recover(owner -> owner.equals("node-dead"));

        assertThat(undone).containsExactly("stop:router-1", "delete-record:router-1",
                "stop:vm-1", "release-ips:ip-1,ip-2", "delete-record:vm-1");
        assertThat(recovery.runs()).isEqualTo(2);
        assertThat(recovery.undone()).isEqualTo(5);
        assertThat(recovery.failed()).isEmpty();
        assertThat(next.pending()).isEmpty();
        assertThat(db.dsl().fetchCount(FlowTables.RUN)).isZero();
        outer.interrupt();
    }

    @Test
    void runsOfALiveNodeAreLeftAlone() throws Exception {
        FlowJournal live = node("node-live");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> createVm(live, ctx -> {
            running.countDown();
            release.await();
        }).run());
        t.start();
        running.await();

        FlowJournal.Recovery recovery = node("node-other").recover(owner -> false);
        assertThat(recovery.runs()).isZero();
        assertThat(undone).isEmpty();
        assertThat(live.pending()).hasSize(3);

        release.countDown();
        t.join();
        assertThat(live.pending()).isEmpty();
    }

    @Test
    void anUndoThatFailsStaysRecordedWithItsError_theOthersStillRun_andTheNextRecoveryRetriesIt() throws Exception {
        FlowJournal dead = node("node-dead");
        leaveUnfinished(dead);

        FlowJournal next = new FlowJournal(db.dsl(), Clock.SYSTEM, "node-next");
        AtomicInteger stopAttempts = new AtomicInteger();
        next.registerUndo("test.delete-record", args -> undone.add("delete-record:" + args.get("vm")));
        next.registerUndo("test.release-ips", args -> undone.add("release-ips:" + args.get("ips")));
        next.registerUndo("test.stop", args -> {
            if (stopAttempts.incrementAndGet() == 1) {
                throw new IllegalStateException("host unreachable");
            }
            undone.add("stop:" + args.get("vm"));
        });

        FlowJournal.Recovery first = next.recover(owner -> true);
        assertThat(undone).containsExactly("release-ips:ip-1,ip-2", "delete-record:vm-1");
        assertThat(first.failed()).singleElement().satisfies(f -> {
            assertThat(f.stepName()).isEqualTo("start");
            assertThat(f.attempts()).isEqualTo(1);
            assertThat(f.lastError()).contains("host unreachable");
        });
        assertThat(next.pending()).singleElement().satisfies(p -> {
            assertThat(p.undoKind()).isEqualTo("test.stop");
            assertThat(p.args()).containsEntry("vm", "vm-1");
            assertThat(p.runState()).isEqualTo("UndoFailed");
            assertThat(p.nodeId()).as("taken over by the recovering node").isEqualTo("node-next");
            assertThat(p.lastError()).contains("host unreachable");
        });

        // the node's own failed run is retried (the next start, or the periodic retry)
        FlowJournal.Recovery second = next.recover(owner -> false);
        assertThat(second.undone()).isEqualTo(1);
        assertThat(undone).endsWith("stop:vm-1");
        assertThat(next.pending()).isEmpty();
        assertThat(db.dsl().fetchCount(FlowTables.RUN)).isZero();
    }

    @Test
    void anUndoThatFailsInProcessStaysRecordedForTheRecovery() {
        FlowJournal journal = new FlowJournal(db.dsl(), Clock.SYSTEM, "node-a");
        AtomicInteger attempts = new AtomicInteger();
        journal.registerUndo("test.delete-record", args -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("database busy");
            }
            undone.add("delete-record:" + args.get("vm"));
        });
        journal.registerUndo("test.release-ips", args -> undone.add("release-ips:" + args.get("ips")));
        journal.registerUndo("test.stop", args -> undone.add("stop:" + args.get("vm")));

        FlowException failure = org.assertj.core.api.Assertions.catchThrowableOfType(() -> createVm(journal, ctx -> {
            throw new IllegalStateException("no");
        }).run(), FlowException.class);
        assertThat(failure.getSuppressed()).hasSize(1);
        assertThat(journal.pending()).singleElement().satisfies(p -> {
            assertThat(p.stepName()).isEqualTo("write record");
            assertThat(p.runState()).isEqualTo("UndoFailed");
            assertThat(p.attempts()).isEqualTo(1);
            assertThat(p.lastError()).contains("database busy");
        });

        FlowJournal.Recovery retry = journal.recover(owner -> false);
        assertThat(retry.undone()).isEqualTo(1);
        assertThat(undone).containsExactly("release-ips:ip-1,ip-2", "delete-record:vm-1");
        assertThat(journal.pending()).isEmpty();
    }

    @Test
    void theNodesPeriodicRetryUndoesWhatFailedWhileItRuns() throws Exception {
        FlowJournal journal = new FlowJournal(db.dsl(), Clock.SYSTEM, "node-a");
        AtomicInteger attempts = new AtomicInteger();
        journal.registerUndo("test.delete-record", args -> {
            if (attempts.incrementAndGet() <= 2) {
                throw new IllegalStateException("still unreachable");
            }
            undone.add("delete-record:" + args.get("vm"));
        });
        journal.registerUndo("test.release-ips", args -> { });
        journal.registerUndo("test.stop", args -> { });
        org.assertj.core.api.Assertions.catchThrowable(() -> createVm(journal, ctx -> {
            throw new IllegalStateException("no");
        }).run());
        assertThat(journal.pendingCount()).isEqualTo(1);

        try (AutoCloseable retry = journal.retryEvery(java.time.Duration.ofMillis(50), owner -> false)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> journal.pendingCount() == 0);
        }
        assertThat(undone).containsExactly("delete-record:vm-1");
        assertThat(attempts.get()).isEqualTo(3);
    }

    @Test
    void aStepWithAnUnregisteredUndoKindIsRefusedWhenTheChainIsBuilt() {
        FlowJournal journal = node("node-a");
        assertThatThrownBy(() -> journal.recorded("x", ctx -> { }, "nobody.registered", ctx -> Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody.registered");
        assertThatThrownBy(() -> journal.registerUndo("test.stop", args -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
    }

    /** Leaves a create-vm run with its three steps recorded, as a node killed during its last step would. */
    private void leaveUnfinished(FlowJournal journal) throws InterruptedException {
        CountDownLatch inLastStep = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Thread t = new Thread(() -> swallow(() -> createVm(journal, ctx -> {
            inLastStep.countDown();
            never.await();
        }).run()));
        t.setDaemon(true);
        t.start();
        inLastStep.await();
        // the "dead" node's thread stays parked: nothing it holds in memory matters to the next node
    }

    private static void swallow(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // the "dead" node's thread: its end does not matter
        }
    }
}
