package io.vrouter.server.task;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * A unit of blocking work for {@link TaskQueues}: what to run, on which sync signature, how many may run at once on
 * that signature, how long it may take, and whether a newer task may replace it while it waits.
 *
 * <p>Immutable: each {@code with} method returns a copy, so one template can be reused for many submissions.
 *
 * <p>What the caller owes it: the body must react to interruption (a timed-out task's worker is interrupted) and
 * must not submit to its own signature and wait for the result (with degree 1 that waits forever on itself).
 *
 * @param <T> the result type
 */
public final class Task<T> {

    /** A body without a result. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private final String signature;
    private final String name;
    private final Callable<T> body;
    private final int parallelism;
    private final Duration timeout;
    private final String coalescingKey;
    private final Consumer<? super Throwable> exceptionHandler;

    private Task(String signature, String name, Callable<T> body, int parallelism, Duration timeout,
                 String coalescingKey, Consumer<? super Throwable> exceptionHandler) {
        this.signature = signature;
        this.name = name;
        this.body = body;
        this.parallelism = parallelism;
        this.timeout = timeout;
        this.coalescingKey = coalescingKey;
        this.exceptionHandler = exceptionHandler;
    }

    /**
     * A task that computes a value.
     *
     * @param signature the sync signature, e.g. {@code "vm-" + vmUuid}; tasks with equal signatures are queued together
     * @param name      what the task does, for logs and errors, e.g. {@code "start-vm"}
     */
    public static <T> Task<T> of(String signature, String name, Callable<T> body) {
        requireText(signature, "signature");
        requireText(name, "name");
        Objects.requireNonNull(body, "body");
        return new Task<>(signature, name, body, 0, null, null, null);
    }

    /** A task without a result; its future completes with {@code null}. */
    public static Task<Void> ofRunnable(String signature, String name, Body body) {
        Objects.requireNonNull(body, "body");
        return of(signature, name, () -> {
            body.run();
            return null;
        });
    }

    /**
     * How many tasks of this signature may run at once (1 = serial, the default). The degree stated by the latest
     * submission to a signature applies to that signature from then on; a task that states none keeps the current one.
     */
    public Task<T> withParallelism(int degree) {
        if (degree < 1) {
            throw new IllegalArgumentException("parallelism degree must be at least 1, got " + degree);
        }
        return new Task<>(signature, name, body, degree, timeout, coalescingKey, exceptionHandler);
    }

    /**
     * The longest the task may take from submission to its end, waiting in the queue included. When it passes, the
     * task ends with {@link TaskTimeoutException}: a waiting task leaves the queue, a running one is interrupted
     * and its slot freed.
     */
    public Task<T> withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return new Task<>(signature, name, body, parallelism, timeout, coalescingKey, exceptionHandler);
    }

    /**
     * A key, scoped to this task's signature, under which a newer submission replaces this task while it is still
     * waiting (never once it runs). The replaced task ends with {@link TaskSupersededException}; the newer one
     * joins the tail of the queue.
     */
    public Task<T> withCoalescingKey(String key) {
        requireText(key, "coalescing key");
        return new Task<>(signature, name, body, parallelism, timeout, key, exceptionHandler);
    }

    /**
     * Told every way the task ends other than success: its own exception, {@link TaskTimeoutException},
     * {@link TaskRejectedException} or {@link TaskSupersededException}. Called before the future completes, on the
     * thread that ended the task (a worker, the timer, or the submitter); an exception it throws is logged and dropped.
     */
    public Task<T> onException(Consumer<? super Throwable> handler) {
        Objects.requireNonNull(handler, "handler");
        return new Task<>(signature, name, body, parallelism, timeout, coalescingKey, handler);
    }

    public String signature() {
        return signature;
    }

    public String name() {
        return name;
    }

    Callable<T> body() {
        return body;
    }

    /** The stated degree, or 0 when the task states none. */
    public int parallelism() {
        return parallelism;
    }

    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    public Optional<String> coalescingKey() {
        return Optional.ofNullable(coalescingKey);
    }

    Consumer<? super Throwable> exceptionHandler() {
        return exceptionHandler;
    }

    @Override
    public String toString() {
        return "Task[" + name + " on " + signature + "]";
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
