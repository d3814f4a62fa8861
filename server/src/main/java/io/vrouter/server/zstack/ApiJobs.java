package io.vrouter.server.zstack;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.server.Clock;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The API calls ZStack's clients poll for: each runs on a pool of its own and its result is kept for
 * {@code retention} after it finished, then dropped. Both the RPC envelope ({@code /zstack/api/result/{uuid}}) and
 * REST v1 ({@code /zstack/v1/api-jobs/{uuid}}) read results here.
 */
public final class ApiJobs implements AutoCloseable {
    /** One call's life: created, then finished with a reply or a failure. */
    public static final class Job {
        private final String uuid;
        private final String apiName;
        private final Instant created;
        private final CompletableFuture<Object> result = new CompletableFuture<>();
        private volatile Instant finished;

        Job(String uuid, String apiName, Instant created) {
            this.uuid = uuid;
            this.apiName = apiName;
            this.created = created;
        }

        public String uuid() {
            return uuid;
        }

        public String apiName() {
            return apiName;
        }

        public Instant created() {
            return created;
        }

        /** Null while running. */
        public Instant finished() {
            return finished;
        }

        public boolean isDone() {
            return result.isDone();
        }

        /** Waits up to {@code wait} for the job to finish; true when it has. */
        public boolean awaitDone(Duration wait) {
            try {
                result.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                // failed: done
            }
            return true;
        }

        /** The reply, or the failure thrown as it was; only once {@link #isDone()}. */
        public Object reply() {
            try {
                return result.getNow(null);
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private final Clock clock;
    private final Duration retention;
    private final AtomicLong lastSweepMillis = new AtomicLong();

    public ApiJobs(Clock clock, Duration retention, int threads) {
        this.clock = clock;
        this.retention = retention;
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(100_000), DaemonThreads.numbered("zstack-job"));
        ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
    }

    /**
     * Starts {@code work} as the job {@code uuid}. A uuid already known (a client retrying with the same
     * {@code X-Job-UUID}) gets the existing job, so the call runs once.
     */
    public Job submit(String uuid, String apiName, Supplier<Object> work) {
        sweep();
        Job job = new Job(uuid, apiName, clock.now());
        Job existing = jobs.putIfAbsent(uuid, job);
        if (existing != null) {
            return existing;
        }
        try {
            executor.execute(() -> run(job, work));
        } catch (RejectedExecutionException e) {
            jobs.remove(uuid);
            throw e;
        }
        return job;
    }

    /**
     * Runs a synchronous message in the caller's thread. It is not kept: its reply is the first one, no client polls
     * for it, and keeping every query's inventories for the retention would hold memory in proportion to the load.
     */
    public Job runNow(String uuid, String apiName, Instant created, Supplier<Object> work) {
        Job job = new Job(uuid, apiName, created);
        run(job, work);
        return job;
    }

    private void run(Job job, Supplier<Object> work) {
        try {
            Object reply = work.get();
            job.finished = clock.now();
            job.result.complete(reply);
        } catch (RuntimeException | Error e) {
            job.finished = clock.now();
            job.result.completeExceptionally(e);
        }
    }

    public Optional<Job> find(String uuid) {
        sweep();
        return Optional.ofNullable(jobs.get(uuid));
    }

    public int size() {
        return jobs.size();
    }

    /** Drops results older than the retention; at most once a second, from whichever request comes by. */
    private void sweep() {
        long now = clock.now().toEpochMilli();
        long last = lastSweepMillis.get();
        if (now - last < 1000 || !lastSweepMillis.compareAndSet(last, now)) {
            return;
        }
        Instant oldest = clock.now().minus(retention);
        jobs.values().removeIf(j -> j.finished != null && j.finished.isBefore(oldest));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
