package io.vrouter.tools.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/** Runs {@code count} client calls on {@code threads} threads, printing progress; returns the failures' messages. */
final class Parallel {
    private Parallel() {
    }

    static List<String> run(int count, int threads, PrintStream out, IntConsumer task) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    try {
                        task.accept(index);
                    } catch (RuntimeException e) {
                        failures.add(e.getMessage());
                    }
                    int n = done.incrementAndGet();
                    if (n % 1000 == 0) {
                        out.printf("  %,d / %,d (%.0f s)%n", n, count, (System.nanoTime() - start) / 1e9);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(failures);
    }
}
