package io.vrouter.server.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TaskQueuesTest {

    private final ExecutorService executor = TaskQueues.boundedExecutor("test-task", 8, 100_000);
    private final FakeTaskClock clock = new FakeTaskClock();
    private final TaskQueues queues = new TaskQueues(executor, clock);
    /** Opened in teardown so that no blocked body outlives its test. */
    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        gate.countDown();
        executor.shutdownNow();
    }

    /** A body that blocks until the gate opens; returns its value. */
    private <T> Task<T> blocking(String signature, String name, T value, CountDownLatch started) {
        return Task.of(signature, name, () -> {
            started.countDown();
            gate.await();
            return value;
        });
    }

    /** Polls often: the conditions here turn true within microseconds. */
    static ConditionFactory await() {
        return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                .atMost(Duration.ofSeconds(5));
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
            throw new AssertionError(e);
        }
    }

    private void awaitForgotten() {
        await().until(() -> queues.signatureCount() == 0);
        assertThat(queues.totalPending()).isZero();
        assertThat(queues.totalRunning()).isZero();
    }

    // ------------------------------------------------------------------ ordering and parallelism

    @Test
    @Timeout(10)
    void tasksOfOneSignatureRunOneAtATimeInSubmissionOrder() throws Exception {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger current = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            futures.add(queues.submit(Task.of("vm-1", "op-" + n, () -> {
                max.accumulateAndGet(current.incrementAndGet(), Math::max);
                order.add(n);
                Thread.yield();
                current.decrementAndGet();
                return n;
            })));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();

        assertThat(order).hasSize(200).isSorted();
        assertThat(max.get()).isEqualTo(1);
        assertThat(futures.get(7).get()).isEqualTo(7);
        awaitForgotten();
    }

    @Test
    @Timeout(10)
    void parallelismDegreeIsHonouredUnderLoad() throws Exception {
        AtomicInteger current = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            futures.add(queues.submit(Task.ofRunnable("vr-cmd-1", "cmd-" + i, () -> {
                max.accumulateAndGet(current.incrementAndGet(), Math::max);
                gate.await();
                current.decrementAndGet();
            }).withParallelism(4)));
        }

        await().until(() -> current.get() == 4);
        assertThat(queues.stats("vr-cmd-1")).isEqualTo(new QueueStats("vr-cmd-1", 36, 4, 4));
        gate.countDown();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();

        assertThat(max.get()).isEqualTo(4);
        awaitForgotten();
    }

    @Test
    @Timeout(10)
    void degreeOfTheLatestSubmissionWinsAndUnstatedKeepsIt() {
        CountDownLatch started = new CountDownLatch(3);
        queues.submit(blocking("vr-cmd-2", "a", 1, started));
        queues.submit(blocking("vr-cmd-2", "b", 2, started));
        queues.submit(blocking("vr-cmd-2", "c", 3, started));
        await().until(() -> queues.runningCount("vr-cmd-2") == 1);
        assertThat(queues.stats("vr-cmd-2").pending()).isEqualTo(2);

        queues.submit(blocking("vr-cmd-2", "d", 4, started).withParallelism(3));
        await().until(() -> queues.runningCount("vr-cmd-2") == 3);

        queues.submit(blocking("vr-cmd-2", "e", 5, started)); // states no degree
        assertThat(queues.stats("vr-cmd-2").parallelism()).isEqualTo(3);
        assertThat(queues.stats("vr-cmd-2").pending()).isEqualTo(2);
    }

    @Test
    @Timeout(10)
    void differentSignaturesRunConcurrently() throws Exception {
        // each body waits for the other: this only finishes if both run at once
        CyclicBarrier both = new CyclicBarrier(2);
        var a = queues.submit(Task.of("vm-a", "start", () -> both.await(5, TimeUnit.SECONDS)));
        var b = queues.submit(Task.of("vm-b", "start", () -> both.await(5, TimeUnit.SECONDS)));

        assertThat(List.of(a.get(), b.get())).containsExactlyInAnyOrder(0, 1);
        awaitForgotten();
    }

    // ------------------------------------------------------------------ failures

    @Test
    @Timeout(10)
    void aThrowingTaskFailsItsFutureTellsItsHandlerAndTheQueueGoesOn() throws Exception {
        AtomicReference<Throwable> told = new AtomicReference<>();
        var bad = queues.submit(Task.of("vm-1", "bad", () -> {
            throw new IllegalStateException("boom");
        }).onException(told::set));
        var good = queues.submit(Task.of("vm-1", "good", () -> "ok"));

        assertThat(good.get()).isEqualTo("ok");
        assertThat(failureOf(bad)).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(told.get()).isSameAs(failureOf(bad));
        awaitForgotten();
    }

    @Test
    @Timeout(10)
    void aThrowingExceptionHandlerIsContained() throws Exception {
        var bad = queues.submit(Task.of("vm-1", "bad", () -> {
            throw new IllegalStateException("boom");
        }).onException(e -> {
            throw new RuntimeException("handler bug");
        }));
        var good = queues.submit(Task.of("vm-1", "good", () -> "ok"));

        assertThat(good.get()).isEqualTo("ok");
        assertThat(failureOf(bad)).hasMessage("boom");
    }

    // ------------------------------------------------------------------ timeouts

    @Test
    @Timeout(10)
    void aRunningTaskTimesOutIsInterruptedAndFreesItsSlot() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicReference<Throwable> told = new AtomicReference<>();
        var hung = queues.submit(Task.ofRunnable("vr-cmd-1", "apply-eip", () -> {
            started.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        }).withTimeout(Duration.ofSeconds(5)).onException(told::set));
        var next = queues.submit(Task.of("vr-cmd-1", "apply-pf", () -> "next ran"));
        queues.submit(blocking("vr-cmd-1", "apply-snat", 0, new CountDownLatch(1)));
        started.await();

        clock.advance(Duration.ofSeconds(4));
        assertThat(hung).isNotDone();
        clock.advance(Duration.ofSeconds(1));

        Throwable failure = failureOf(hung);
        assertThat(failure).isInstanceOf(TaskTimeoutException.class)
                .hasMessage("Task 'apply-eip' on 'vr-cmd-1' timed out after 5000ms while running"
                        + " (running=1/1, pending=2)");
        var timeout = (TaskTimeoutException) failure;
        assertThat(timeout.signature()).isEqualTo("vr-cmd-1");
        assertThat(timeout.taskName()).isEqualTo("apply-eip");
        assertThat(timeout.elapsed()).isEqualTo(Duration.ofSeconds(5));
        assertThat(timeout.wasRunning()).isTrue();
        assertThat(told.get()).isSameAs(failure);
        assertThat(next.get()).isEqualTo("next ran");
        await().untilTrue(interrupted);
    }

    @Test
    @Timeout(10)
    void aWaitingTaskTimesOutAndLeavesTheQueue() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        var first = queues.submit(blocking("vm-1", "stop-vm", "stopped", started));
        started.await();
        clock.advance(Duration.ofMillis(500));
        AtomicBoolean ran = new AtomicBoolean();
        var waiting = queues.submit(Task.ofRunnable("vm-1", "start-vm", () -> ran.set(true))
                .withTimeout(Duration.ofMillis(1500)));

        clock.advance(Duration.ofMillis(1500));

        assertThat(failureOf(waiting)).isInstanceOf(TaskTimeoutException.class)
                .hasMessage("Task 'start-vm' on 'vm-1' timed out after 1500ms while waiting in the queue"
                        + " (running=1/1, pending=1)");
        assertThat(queues.stats("vm-1")).isEqualTo(new QueueStats("vm-1", 0, 1, 1));
        gate.countDown();
        assertThat(first.get()).isEqualTo("stopped");
        assertThat(ran).isFalse();
        awaitForgotten();
    }

    @Test
    @Timeout(10)
    void aTaskThatEndsInTimeCancelsItsTimer() throws Exception {
        var f = queues.submit(Task.of("vm-1", "quick", () -> 42).withTimeout(Duration.ofMinutes(5)));
        assertThat(f.get()).isEqualTo(42);
        await().until(() -> clock.scheduledCount() == 0);
        clock.advance(Duration.ofMinutes(10));
        assertThat(f.get()).isEqualTo(42);
    }

    @Test
    @Timeout(10)
    void theSystemClockFiresTimeoutsAndCancelsFinishedOnes() throws Exception {
        TaskQueues real = new TaskQueues(executor, TaskClock.system());
        var quick = real.submit(Task.of("vm-1", "quick", () -> 1).withTimeout(Duration.ofMillis(50)));
        var hung = real.submit(blocking("vm-1", "hung", 2, new CountDownLatch(1))
                .withTimeout(Duration.ofMillis(50)));

        assertThat(quick.get()).isEqualTo(1);
        await().until(hung::isDone);
        assertThat(failureOf(hung)).isInstanceOf(TaskTimeoutException.class)
                .hasMessageStartingWith("Task 'hung' on 'vm-1' timed out after ")
                .hasMessageEndingWith("ms while running (running=1/1, pending=0)");
        await().until(() -> real.signatureCount() == 0);
    }

    // ------------------------------------------------------------------ coalescing

    @Test
    @Timeout(10)
    void aNewerTaskWithTheSameKeyReplacesAWaitingOneButNeverARunningOne() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        Task<String> sync = Task.of("vr-1", "sync", () -> "never").withCoalescingKey("sync-vr");
        var running = queues.submit(Task.of("vr-1", "sync-1", () -> {
            started.countDown();
            gate.await();
            ran.add("sync-1");
            return "1";
        }).withCoalescingKey("sync-vr"));
        started.await();

        AtomicReference<Throwable> told = new AtomicReference<>();
        var older = queues.submit(Task.of("vr-1", "sync-2", () -> {
            ran.add("sync-2");
            return "2";
        }).withCoalescingKey("sync-vr").onException(told::set));
        var other = queues.submit(Task.of("vr-1", "apply-dhcp", () -> {
            ran.add("apply-dhcp");
            return "d";
        }));
        var newer = queues.submit(Task.of("vr-1", "sync-3", () -> {
            ran.add("sync-3");
            return "3";
        }).withCoalescingKey("sync-vr"));

        assertThat(failureOf(older)).isInstanceOf(TaskSupersededException.class)
                .hasMessage("Task 'sync-2' on 'vr-1' was superseded by a newer task with coalescing key 'sync-vr'");
        assertThat(told.get()).isSameAs(failureOf(older));
        assertThat(running).isNotDone();
        assertThat(queues.stats("vr-1").pending()).isEqualTo(2);

        gate.countDown();
        assertThat(List.of(running.get(), other.get(), newer.get())).containsExactly("1", "d", "3");
        assertThat(ran).containsExactly("sync-1", "apply-dhcp", "sync-3");
        assertThat(sync.coalescingKey()).contains("sync-vr");
        awaitForgotten();
    }

    @Test
    @Timeout(10)
    void coalescingKeysAreScopedToTheirSignature() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        queues.submit(blocking("vr-1", "busy", 0, started));
        queues.submit(blocking("vr-2", "busy", 0, started));
        started.await();
        var one = queues.submit(Task.of("vr-1", "sync", () -> 1).withCoalescingKey("sync"));
        var two = queues.submit(Task.of("vr-2", "sync", () -> 2).withCoalescingKey("sync"));

        gate.countDown();
        assertThat(one.get()).isEqualTo(1);
        assertThat(two.get()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ shutdown

    @Test
    @Timeout(10)
    void shutdownRejectsWaitingAndNewTasksAndLetsRunningOnesFinish() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        var running = queues.submit(blocking("vm-1", "reboot-vm", "rebooted", started));
        started.await();
        AtomicReference<Throwable> told = new AtomicReference<>();
        var waiting = queues.submit(Task.of("vm-1", "stop-vm", () -> "stopped").onException(told::set));

        queues.beginShutdown();

        assertThat(failureOf(waiting)).isInstanceOf(TaskRejectedException.class)
                .hasMessage("Task 'stop-vm' on 'vm-1' was rejected: the task queues are shutting down");
        assertThat(told.get()).isSameAs(failureOf(waiting));
        var late = queues.submit(Task.of("vm-2", "start-vm", () -> "started"));
        assertThat(failureOf(late)).isInstanceOf(TaskRejectedException.class)
                .hasMessage("Task 'start-vm' on 'vm-2' was rejected: the task queues are shutting down");
        assertThat(queues.isShuttingDown()).isTrue();

        assertThat(queues.awaitTermination(Duration.ofMillis(50))).isFalse();
        gate.countDown();
        assertThat(queues.awaitTermination(Duration.ofSeconds(5))).isTrue();
        assertThat(running.get()).isEqualTo("rebooted");
        assertThat(queues.signatureCount()).isZero();
    }

    @Test
    void awaitTerminationBeforeBeginShutdownIsAnError() {
        assertThatThrownBy(() -> queues.awaitTermination(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("awaitTermination() before beginShutdown() would wait for nothing");
    }

    @Test
    @Timeout(10)
    void anExecutorThatRefusesWorkRejectsTheTaskAndFreesTheSlot() {
        TaskQueues refusing = new TaskQueues(r -> {
            throw new RejectedExecutionException("pool full");
        }, clock);

        var f = refusing.submit(Task.of("vm-1", "start-vm", () -> 1));
        var g = refusing.submit(Task.of("vm-1", "stop-vm", () -> 2));

        assertThat(failureOf(f)).isInstanceOf(TaskRejectedException.class)
                .hasMessage("Task 'start-vm' on 'vm-1' was rejected: the executor refused it")
                .hasCauseInstanceOf(RejectedExecutionException.class);
        assertThat(failureOf(g)).isInstanceOf(TaskRejectedException.class);
        assertThat(refusing.signatureCount()).isZero();
    }

    // ------------------------------------------------------------------ bookkeeping

    @Test
    @Timeout(20)
    void idleSignaturesAreForgotten() throws Exception {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            int n = i;
            futures.add(queues.submit(Task.of("vm-" + n, "op", () -> n)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();

        awaitForgotten();
        assertThat(queues.stats("vm-17")).isEqualTo(new QueueStats("vm-17", 0, 0, 1));
    }

    @Test
    @Timeout(10)
    void aCancelledWaitingTaskIsSkipped() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        var first = queues.submit(blocking("vm-1", "a", "a", started));
        started.await();
        AtomicBoolean ran = new AtomicBoolean();
        var cancelled = queues.submit(Task.ofRunnable("vm-1", "b", () -> ran.set(true)));
        var last = queues.submit(Task.of("vm-1", "c", () -> "c"));

        cancelled.cancel(false);
        gate.countDown();

        assertThat(first.get()).isEqualTo("a");
        assertThat(last.get()).isEqualTo("c");
        assertThat(ran).isFalse();
        awaitForgotten();
    }

    @Test
    @Timeout(10)
    void meterRegistryCountsOutcomesAndTotals() throws Exception {
        var registry = new SimpleMeterRegistry();
        TaskQueues metered = new TaskQueues(executor, clock, registry);
        CountDownLatch started = new CountDownLatch(1);
        var hung = metered.submit(blocking("vm-1", "a", 1, started).withTimeout(Duration.ofSeconds(1)));
        started.await();
        metered.submit(Task.of("vm-2", "b", () -> {
            throw new IllegalStateException("boom");
        }));
        await().until(() -> registry.get("vrouter.task.ended").tag("outcome", "failed").counter().count() == 1);
        assertThat(registry.get("vrouter.task.running").gauge().value()).isEqualTo(1);
        assertThat(registry.get("vrouter.task.signatures").gauge().value()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));

        assertThat(hung).isCompletedExceptionally();
        assertThat(registry.get("vrouter.task.ended").tag("outcome", "timeout").counter().count()).isEqualTo(1);
        assertThat(registry.get("vrouter.task.running").gauge().value()).isZero();
        assertThat(registry.get("vrouter.task.pending").gauge().value()).isZero();
    }

    @Test
    void taskArgumentsAreChecked() {
        assertThatThrownBy(() -> Task.of(" ", "x", () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("signature must not be blank");
        assertThatThrownBy(() -> Task.of("vm-1", "x", () -> 1).withParallelism(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parallelism degree must be at least 1, got 0");
        assertThatThrownBy(() -> Task.of("vm-1", "x", () -> 1).withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, got PT0S");
    }
}
