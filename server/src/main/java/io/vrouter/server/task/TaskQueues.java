package io.vrouter.server.task;

import io.vrouter.platform.threads.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs blocking work (agent HTTP calls, database transactions) serialised per resource: tasks with the same sync
 * signature run in submission order, at most the signature's parallelism degree at once; different signatures are
 * independent. All work runs on one injected, bounded executor, so a thousand busy resources cost a thousand queue
 * entries, not a thousand threads.
 *
 * <p>Why the structure: a queue exists only while its signature has a waiting or running task; the last task to
 * leave removes it, so 100,000 resources touched once leave nothing behind. Every change to a queue happens inside
 * {@link ConcurrentHashMap#compute} on its signature, which makes "create on first task" and "remove when idle"
 * atomic with the change itself; user code (task bodies, handlers, future callbacks) never runs there.
 *
 * <p>Every task learns how it ended, through its future and its {@linkplain Task#onException exception handler}:
 * its result, its own exception, {@link TaskTimeoutException}, {@link TaskRejectedException} or
 * {@link TaskSupersededException}.
 *
 * <p>Policies, stated once:
 * <ul>
 * <li>Parallelism: the degree stated by the latest submission to a signature wins and applies to tasks started
 *     from then on (a VR's degree follows its configuration without restarting anything); a task that states no
 *     degree keeps the current one, and a new queue starts at 1. Lowering the degree never stops running tasks.</li>
 * <li>Timeout: counted from submission, waiting included. A waiting task leaves the queue. A running task's worker
 *     is interrupted and its slot freed at once, so a hung call never wedges the queue; a body that ignores the
 *     interrupt keeps its executor thread until it returns and its late result is discarded (so blocking clients
 *     still need their own socket timeouts, or a hung agent drains the shared pool one timeout at a time).</li>
 * <li>Coalescing: a newer task with the same key on the same signature replaces a waiting one and joins the tail;
 *     a running task is never replaced, so the newer one still runs after it.</li>
 * <li>Shutdown: {@link #beginShutdown()} rejects new and waiting tasks, running ones finish;
 *     {@link #awaitTermination(Duration)} waits for them. The executor belongs to the caller and stays open.</li>
 * <li>Cancelling the returned future of a waiting task makes the queue skip it when its turn comes.</li>
 * </ul>
 *
 * <p>What the caller owes it: an executor that rejects rather than runs on the submitting thread, with at least as
 * many threads as the work it expects to block at once; task bodies that answer interruption; and no task waiting
 * on another task of its own signature. Callbacks on the returned future run on whichever thread ends the task (a
 * worker, the timer thread, or the submitter) while the task still holds its slot, which is what keeps the
 * futures of a serial signature completing in submission order: use the {@code *Async} variants for heavy
 * continuations.
 *
 * <pre>{@code
 * // serialise per VM
 * CompletableFuture<VmInventory> started = queues.submit(Task.of("vm-" + vmUuid, "start-vm", () -> vms.start(vmUuid)));
 *
 * // a VR's command queue: degree from its configuration, each command bounded by the connect timeout
 * queues.submit(Task.of("vr-cmd-" + vrUuid, "apply-eip", () -> agent.post(vr, cmd))
 *         .withParallelism(degree).withTimeout(connectTimeout));
 * }</pre>
 */
public final class TaskQueues {

    private static final Logger log = LoggerFactory.getLogger(TaskQueues.class);

    private static final int PENDING = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;

    private final Executor executor;
    private final TaskClock clock;
    private final TaskMetrics metrics;
    private final ConcurrentHashMap<String, SignatureQueue> queues = new ConcurrentHashMap<>();
    private final AtomicInteger totalPending = new AtomicInteger();
    private final AtomicInteger totalRunning = new AtomicInteger();
    /** Submitted and not yet ended; what {@link #awaitTermination} waits on. */
    private final AtomicInteger live = new AtomicInteger();
    private final Object terminationLock = new Object();
    private volatile boolean shuttingDown;

    public TaskQueues(Executor executor, TaskClock clock) {
        this(executor, clock, null);
    }

    /** @param registry where to publish totals and outcome counters; {@code null} for none (costs nothing then) */
    public TaskQueues(Executor executor, TaskClock clock, MeterRegistry registry) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = registry == null ? null : new TaskMetrics(registry, this);
    }

    /**
     * A fixed pool of daemon threads with a bounded hand-off queue that rejects when full, the kind of executor
     * this class expects. The caller shuts it down.
     */
    public static ExecutorService boundedExecutor(String threadPrefix, int threads, int queueCapacity) {
        var pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), DaemonThreads.numbered(threadPrefix), new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    // ------------------------------------------------------------------ submission

    /**
     * Queues the task on its signature. Never throws for queue reasons: a rejection arrives through the future.
     *
     * @return completes with the body's result, or exceptionally with how the task ended otherwise
     */
    public <T> CompletableFuture<T> submit(Task<T> task) {
        Objects.requireNonNull(task, "task");
        Entry<T> entry = new Entry<>(task, clock.nanoTime());
        live.incrementAndGet();
        // scheduled before the entry is visible, so no task can end before its timer exists to be cancelled
        task.timeout().ifPresent(t -> entry.timer = clock.schedule(t, () -> onDeadline(entry)));

        Batch batch = new Batch();
        boolean[] rejected = {false};
        queues.compute(task.signature(), (sig, q) -> {
            if (shuttingDown) {
                rejected[0] = true;
                return q;
            }
            if (entry.state.get() != PENDING) {
                return q; // its timeout fired before it got here
            }
            if (q == null) {
                q = new SignatureQueue(sig);
            }
            if (task.parallelism() > 0) {
                q.degree = task.parallelism();
            }
            q.enqueue(entry, batch);
            q.dispatch(batch);
            return q;
        });
        if (rejected[0]) {
            if (entry.state.compareAndSet(PENDING, DONE)) {
                end(entry, new TaskRejectedException(task.signature(), task.name(),
                        "the task queues are shutting down", null));
            }
            return entry.future;
        }
        drive(batch);
        return entry.future;
    }

    // ------------------------------------------------------------------ running

    private <T> void runEntry(Entry<T> e) {
        if (e.future.isDone()) {
            // the caller cancelled it while it waited: give the slot back without running
            if (e.state.compareAndSet(RUNNING, DONE)) {
                Batch b = new Batch();
                freeSlot(e, b);
                ended(e, new CancellationException());
                drive(b);
            }
            return;
        }
        synchronized (e) {
            if (e.state.get() != RUNNING) {
                return; // timed out while it sat in the executor's queue
            }
            e.worker = Thread.currentThread();
        }
        T result = null;
        Throwable failure = null;
        try {
            result = e.task.body().call();
        } catch (Throwable t) {
            failure = t;
        } finally {
            synchronized (e) {
                e.worker = null;
            }
        }
        if (!e.state.compareAndSet(RUNNING, DONE)) {
            // the timeout won: its interrupt must not leak into the executor's next task
            Thread.interrupted();
            log.debug("{} finished after its timeout; result discarded", e.task, failure);
            return;
        }
        Batch b = new Batch();
        endRunning(e, result, failure, b);
        drive(b);
    }

    /** Starts, rejects and supersedes what a queue change produced; starting may free slots and produce more. */
    private void drive(Batch b) {
        int superseded = 0;
        int rejected = 0;
        int started = 0;
        while (superseded < b.superseded.size() || rejected < b.rejected.size() || started < b.toStart.size()) {
            while (superseded < b.superseded.size()) {
                Entry<?> e = b.superseded.get(superseded++);
                String key = e.task.coalescingKey().orElseThrow();
                end(e, new TaskSupersededException(e.task.signature(), e.task.name(), key));
            }
            while (rejected < b.rejected.size()) {
                Entry<?> e = b.rejected.get(rejected++);
                end(e, new TaskRejectedException(e.task.signature(), e.task.name(),
                        "the task queues are shutting down", null));
            }
            while (started < b.toStart.size()) {
                Entry<?> e = b.toStart.get(started++);
                try {
                    executor.execute(() -> runEntry(e));
                } catch (RejectedExecutionException ex) {
                    if (e.state.compareAndSet(RUNNING, DONE)) {
                        endRunning(e, null, new TaskRejectedException(e.task.signature(), e.task.name(),
                                "the executor refused it", ex), b);
                    }
                }
            }
        }
    }

    /** Gives a running entry's slot back and collects what may start now. */
    private void freeSlot(Entry<?> e, Batch b) {
        queues.compute(e.task.signature(), (sig, q) -> {
            if (q == null) {
                log.error("No queue for running {}; counts are off", e.task);
                return null;
            }
            q.running--;
            totalRunning.decrementAndGet();
            q.dispatch(b);
            return q.isIdle() ? null : q;
        });
    }

    // ------------------------------------------------------------------ timeouts

    private void onDeadline(Entry<?> e) {
        String signature = e.task.signature();
        if (e.state.get() == PENDING) {
            QueueStats[] before = new QueueStats[1];
            queues.compute(signature, (sig, q) -> {
                if (!e.state.compareAndSet(PENDING, DONE)) {
                    return q; // it started meanwhile
                }
                if (q == null) {
                    before[0] = new QueueStats(sig, 0, 0, 1); // fired before submit() enqueued it
                    return null;
                }
                before[0] = q.stats();
                q.removePending(e);
                return q.isIdle() ? null : q;
            });
            if (before[0] != null) {
                end(e, timeout(e, false, before[0]));
                return;
            }
        }
        if (e.state.compareAndSet(RUNNING, DONE)) {
            synchronized (e) {
                if (e.worker != null) {
                    e.worker.interrupt();
                }
            }
            Batch b = new Batch();
            endRunning(e, null, timeout(e, true, stats(signature)), b);
            drive(b);
        }
    }

    private TaskTimeoutException timeout(Entry<?> e, boolean running, QueueStats stats) {
        Duration elapsed = Duration.ofNanos(clock.nanoTime() - e.submittedNanos);
        var ex = new TaskTimeoutException(e.task.signature(), e.task.name(), elapsed, running, stats);
        log.warn(ex.getMessage());
        return ex;
    }

    // ------------------------------------------------------------------ endings

    /**
     * Ends a task that holds a slot. Its future completes before the slot is given back, so the next task of the
     * signature starts only after this one's synchronous callbacks ran: with degree 1, futures complete in order.
     */
    private <T> void endRunning(Entry<T> e, T result, Throwable failure, Batch b) {
        if (failure == null) {
            e.future.complete(result);
        } else {
            tell(e, failure);
        }
        freeSlot(e, b);
        ended(e, failure);
    }

    /** Ends a task that holds no slot. */
    private void end(Entry<?> e, Throwable failure) {
        tell(e, failure);
        ended(e, failure);
    }

    private void tell(Entry<?> e, Throwable failure) {
        var handler = e.task.exceptionHandler();
        if (handler != null) {
            try {
                handler.accept(failure);
            } catch (Throwable t) {
                log.error("Exception handler of {} failed", e.task, t);
            }
        }
        e.future.completeExceptionally(failure);
    }

    private void ended(Entry<?> e, Throwable failure) {
        var timer = e.timer;
        if (timer != null) {
            timer.cancel();
        }
        if (metrics != null) {
            metrics.ended(TaskMetrics.outcomeOf(failure));
        }
        if (live.decrementAndGet() == 0 && shuttingDown) {
            synchronized (terminationLock) {
                terminationLock.notifyAll();
            }
        }
    }

    // ------------------------------------------------------------------ shutdown

    /** Rejects every new and waiting task from now on; running tasks go on to their end. Idempotent. */
    public void beginShutdown() {
        if (shuttingDown) {
            return;
        }
        shuttingDown = true;
        Batch b = new Batch();
        // a queue this pass misses still has a running task, whose end drains it (dispatch checks the flag)
        for (String signature : queues.keySet()) {
            queues.computeIfPresent(signature, (sig, q) -> {
                q.dispatch(b);
                return q.isIdle() ? null : q;
            });
        }
        drive(b);
        synchronized (terminationLock) {
            terminationLock.notifyAll();
        }
    }

    /**
     * Waits (in real time) until every task submitted has ended. A timed-out task counts as ended even if its
     * body is still unwinding on an executor thread.
     *
     * @return whether all tasks ended within the timeout
     * @throws IllegalStateException if {@link #beginShutdown()} was not called
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        if (!shuttingDown) {
            throw new IllegalStateException("awaitTermination() before beginShutdown() would wait for nothing");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (terminationLock) {
            while (live.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(terminationLock, left);
            }
            return true;
        }
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    // ------------------------------------------------------------------ counts

    /** The signature's counts now; a signature without a queue reads as empty with degree 1. */
    public QueueStats stats(String signature) {
        SignatureQueue q = queues.get(signature);
        return q == null ? new QueueStats(signature, 0, 0, 1) : q.stats();
    }

    /** Tasks of the signature waiting for a slot. */
    public int pendingCount(String signature) {
        SignatureQueue q = queues.get(signature);
        return q == null ? 0 : q.pendingCount;
    }

    /** Tasks of the signature holding a slot. */
    public int runningCount(String signature) {
        SignatureQueue q = queues.get(signature);
        return q == null ? 0 : q.running;
    }

    /** Signatures that have a waiting or running task; idle ones are forgotten. */
    public int signatureCount() {
        return queues.size();
    }

    public int totalPending() {
        return totalPending.get();
    }

    public int totalRunning() {
        return totalRunning.get();
    }

    // ------------------------------------------------------------------ internals

    /** One submission; state moves PENDING -> RUNNING -> DONE or PENDING -> DONE, and only one path wins DONE. */
    private static final class Entry<T> {
        final Task<T> task;
        final long submittedNanos;
        final CompletableFuture<T> future = new CompletableFuture<>();
        final AtomicInteger state = new AtomicInteger(PENDING);
        volatile TaskClock.Cancellable timer;
        /** The thread running the body, so a timeout can interrupt it; guarded by {@code this}. */
        Thread worker;

        Entry(Task<T> task, long submittedNanos) {
            this.task = task;
            this.submittedNanos = submittedNanos;
        }
    }

    /** What a queue change asks for once outside the lock. */
    private static final class Batch {
        final List<Entry<?>> toStart = new ArrayList<>(1);
        final List<Entry<?>> rejected = new ArrayList<>(0);
        final List<Entry<?>> superseded = new ArrayList<>(0);
    }

    /**
     * One signature's queue. Mutated only inside {@code queues.compute} on its signature; counts are volatile so
     * that {@link #stats} can read them without the lock.
     */
    private final class SignatureQueue {
        final String signature;
        final ArrayDeque<Entry<?>> pending = new ArrayDeque<>(4);
        /** Waiting entries by coalescing key; created on first use, since most queues never coalesce. */
        Map<String, Entry<?>> pendingByKey;
        volatile int pendingCount;
        volatile int running;
        volatile int degree = 1;

        SignatureQueue(String signature) {
            this.signature = signature;
        }

        void enqueue(Entry<?> e, Batch b) {
            String key = e.task.coalescingKey().orElse(null);
            if (key != null) {
                if (pendingByKey == null) {
                    pendingByKey = new HashMap<>(4);
                }
                Entry<?> older = pendingByKey.put(key, e);
                if (older != null && older.state.compareAndSet(PENDING, DONE)) {
                    pending.remove(older);
                    pendingCount--;
                    totalPending.decrementAndGet();
                    b.superseded.add(older);
                }
            }
            pending.addLast(e);
            pendingCount++;
            totalPending.incrementAndGet();
        }

        /** Starts waiting entries while slots are free, or rejects them all once shutdown began. */
        void dispatch(Batch b) {
            if (shuttingDown) {
                Entry<?> e;
                while ((e = poll()) != null) {
                    if (e.state.compareAndSet(PENDING, DONE)) {
                        b.rejected.add(e);
                    }
                }
                return;
            }
            while (running < degree && !pending.isEmpty()) {
                Entry<?> e = poll();
                if (e.state.compareAndSet(PENDING, RUNNING)) {
                    running++;
                    totalRunning.incrementAndGet();
                    b.toStart.add(e);
                }
            }
        }

        void removePending(Entry<?> e) {
            if (pending.remove(e)) {
                pendingCount--;
                totalPending.decrementAndGet();
                forgetKey(e);
            }
        }

        private Entry<?> poll() {
            Entry<?> e = pending.pollFirst();
            if (e != null) {
                pendingCount--;
                totalPending.decrementAndGet();
                forgetKey(e);
            }
            return e;
        }

        private void forgetKey(Entry<?> e) {
            if (pendingByKey != null) {
                e.task.coalescingKey().ifPresent(k -> pendingByKey.remove(k, e));
                if (pendingByKey.isEmpty()) {
                    pendingByKey = null;
                }
            }
        }

        boolean isIdle() {
            return running == 0 && pending.isEmpty();
        }

        QueueStats stats() {
            return new QueueStats(signature, pendingCount, running, degree);
        }
    }
}
