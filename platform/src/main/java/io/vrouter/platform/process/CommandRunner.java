package io.vrouter.platform.process;

import io.vrouter.platform.threads.DaemonThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion: feeds stdin, collects stdout and stderr, kills it after a timeout. Each command
 * costs a fork and exec (a few ms), which is why the agent batches work into as few commands as possible.
 */
public class CommandRunner {

    private final Duration timeout;

    public CommandRunner(Duration timeout) {
        this.timeout = timeout;
    }

    /** Runs and returns the result whatever the exit code; throws only when it cannot start or times out. */
    public CommandResult run(List<String> argv, String stdin) {
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            throw new CommandFailedException("cannot start " + String.join(" ", argv) + ": " + e.getMessage(), null, e);
        }
        // stdout and stderr are drained concurrently so a chatty command cannot block on a full pipe
        CompletableFuture<String> err = drain(process.getErrorStream());
        CompletableFuture<String> out = drain(process.getInputStream());
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the command may exit before reading everything (an early syntax error): its stderr says why
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new CommandFailedException(String.join(" ", argv) + " did not finish within "
                        + timeout.toMillis() + " ms", null, null);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            return new CommandResult(process.exitValue(), out.join(), err.join(), ms);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandFailedException(String.join(" ", argv) + " interrupted", null, e);
        }
    }

    /** Runs and throws a {@link CommandFailedException} naming the command, exit code and stderr on failure. */
    public CommandResult check(List<String> argv, String stdin) {
        CommandResult result = run(argv, stdin);
        if (!result.succeeded()) {
            throw new CommandFailedException(String.join(" ", argv) + " exited " + result.exitCode() + " after "
                    + result.elapsedMillis() + " ms: " + result.stderr().strip(), result, null);
        }
        return result;
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                stream.transferTo(buffer);
                return buffer.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, DRAINERS);
    }

    /** Daemon threads: draining pipes must never keep the JVM alive. */
    private static final java.util.concurrent.ExecutorService DRAINERS =
            java.util.concurrent.Executors.newCachedThreadPool(DaemonThreads.named("command-output"));
}
