package io.vrouter.server.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many threads submitting at once: the invariants of {@link TaskQueues} hold under races, not only in order. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TaskQueuesStressTest {

    private static final int SIGNATURES = 40;
    private static final int SUBMITTERS = 4;
    private static final int PER_SUBMITTER = 3_000;

    private final ExecutorService executor = TaskQueues.boundedExecutor("stress", 8, 100_000);
    private final FakeTaskClock clock = new FakeTaskClock();
    private final TaskQueues queues = new TaskQueues(executor, clock);

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    private static int degreeOf(int signature) {
        return 1 + signature % 3;
    }

    private static void runConcurrently(int threads, ThrowingIntConsumer body) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            done.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                    body.accept(id);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> new Thread(r, "submitter-" + id).start()));
        }
        go.countDown();
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    }

    @FunctionalInterface
    private interface ThrowingIntConsumer {
        void accept(int value) throws Exception;
    }

    @Test
    void degreeAndOrderHoldWithConcurrentSubmittersFailuresAndCoalescing() throws Exception {
        AtomicIntegerArray current = new AtomicIntegerArray(SIGNATURES);
        AtomicIntegerArray max = new AtomicIntegerArray(SIGNATURES);
        // last sequence number started per (submitter, serial signature): must only grow
        AtomicIntegerArray lastStarted = new AtomicIntegerArray(SUBMITTERS * SIGNATURES);
        for (int i = 0; i < lastStarted.length(); i++) {
            lastStarted.set(i, -1);
        }
        AtomicBoolean outOfOrder = new AtomicBoolean();
        ConcurrentLinkedQueue<CompletableFuture<Integer>> futures = new ConcurrentLinkedQueue<>();
        AtomicInteger superseded = new AtomicInteger();

        runConcurrently(SUBMITTERS, submitter -> {
            Random random = new Random(submitter);
            for (int seq = 0; seq < PER_SUBMITTER; seq++) {
                int sig = random.nextInt(SIGNATURES);
                int n = seq;
                boolean fails = random.nextInt(10) == 0;
                Task<Integer> task = Task.of("res-" + sig, "op-" + submitter + "-" + n, () -> {
                    max.accumulateAndGet(sig, current.incrementAndGet(sig), Math::max);
                    if (degreeOf(sig) == 1) {
                        int slot = submitter * SIGNATURES + sig;
                        if (lastStarted.getAndSet(slot, n) > n) {
                            outOfOrder.set(true);
                        }
                    }
                    Thread.yield();
                    current.decrementAndGet(sig);
                    if (fails) {
                        throw new IllegalStateException("planned failure");
                    }
                    return n;
                }).withParallelism(degreeOf(sig));
                if (random.nextInt(5) == 0) {
                    task = task.withCoalescingKey("sync").onException(e -> {
                        if (e instanceof TaskSupersededException) {
                            superseded.incrementAndGet();
                        }
                    });
                }
                futures.add(queues.submit(task));
            }
        });
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .handle((v, e) -> null).get(20, TimeUnit.SECONDS);

        assertThat(futures).hasSize(SUBMITTERS * PER_SUBMITTER).allMatch(CompletableFuture::isDone);
        for (int sig = 0; sig < SIGNATURES; sig++) {
            assertThat(max.get(sig)).as("max concurrent on res-%d", sig).isLessThanOrEqualTo(degreeOf(sig));
        }
        assertThat(outOfOrder).isFalse();
        assertThat(futures.stream().filter(f -> f.isCompletedExceptionally()
                && f.handle((v, e) -> e instanceof TaskSupersededException).join()).count())
                .isEqualTo(superseded.get());
        TaskQueuesTest.await().until(() -> queues.signatureCount() == 0);
        assertThat(queues.totalRunning()).isZero();
        assertThat(queues.totalPending()).isZero();
    }

    @Test
    void everyTaskEndsWhenTimeoutsAndShutdownRaceWithSubmissions() throws Exception {
        ConcurrentLinkedQueue<CompletableFuture<Integer>> futures = new ConcurrentLinkedQueue<>();
        AtomicInteger told = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger();

        runConcurrently(SUBMITTERS + 1, thread -> {
            if (thread == SUBMITTERS) {
                // the timer: time moves while tasks come and go, and shutdown lands in the middle
                for (int i = 0; i < 2_000; i++) {
                    clock.advance(Duration.ofMillis(1));
                    if (i == 1_500) {
                        queues.beginShutdown();
                    }
                    Thread.yield();
                }
                return;
            }
            Random random = new Random(thread);
            for (int seq = 0; seq < PER_SUBMITTER; seq++) {
                int sig = random.nextInt(SIGNATURES);
                int n = seq;
                Task<Integer> task = Task.of("res-" + sig, "op-" + n, () -> {
                    Thread.yield();
                    return n;
                }).withParallelism(degreeOf(sig))
                        .withTimeout(Duration.ofMillis(1 + random.nextInt(3)))
                        .onException(e -> told.incrementAndGet());
                if (random.nextInt(4) == 0) {
                    task = task.withCoalescingKey("sync");
                }
                futures.add(queues.submit(task).whenComplete((v, e) -> {
                    if (e == null) {
                        succeeded.incrementAndGet();
                    }
                }));
            }
        });
        queues.beginShutdown();

        assertThat(queues.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(futures).allMatch(CompletableFuture::isDone);
        assertThat(succeeded.get() + told.get()).isEqualTo(futures.size());
        assertThat(queues.signatureCount()).isZero();
        assertThat(queues.totalRunning()).isZero();
        assertThat(queues.totalPending()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(clock.scheduledCount()).isZero();
    }
}
