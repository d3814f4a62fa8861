package io.vrouter.agent.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real agent (its {@code AgentMain}) as a child process inside a namespace, started from a classpath (the
 * shaded jar or the test classpath). Waits for its "listening" line; its output is kept in a log file.
 */
public final class AgentProcess implements AutoCloseable {

    /**
     * What an appliance runs the agent with (also {@code ./vrouter agent}'s default): one core's worth of GC; only
     * the quick JIT (an idle router needs no C2: first big sync 12% faster, RSS 224 -> 187 MiB); and a bounded heap
     * touched whole at start, on huge pages where the kernel has them, so that a big sync's garbage collections
     * copy into memory that is already mapped (in a VM each first touch of a page is a costly fault: a
     * 10,000-rule sync's collections took 30-150 ms instead of a few) and the agent's RSS is the same at 10 rules
     * and at 10,000 (234 MiB).
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xss512k", "-Xmx160m",
            "-XX:TieredStopAtLevel=1", "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages");

    /**
     * {@link #JVM_OPTIONS}, or {@code $VROUTER_AGENT_JAVA_OPTS} (space-separated) when set, as {@code ./vrouter agent}
     * takes them: how a benchmark compares JVM settings.
     */
    public static List<String> jvmOptions() {
        String env = System.getenv("VROUTER_AGENT_JAVA_OPTS");
        return env == null || env.isBlank() ? JVM_OPTIONS : List.of(env.trim().split("\\s+"));
    }

    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code AgentMain --config configFile} in {@code ns} and waits up to {@code timeout} for it to listen. */
    public static AgentProcess start(String ns, String classpath, Path configFile, Path log, Duration timeout)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "io.vrouter.agent.AgentMain", "--config", configFile.toString()));
        cmd.addAll(5, jvmOptions());
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        AgentProcess agent = new AgentProcess(process, log);
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> agent.pump(listening), "agent-output");
        pump.setDaemon(true);
        pump.start();
        try {
            listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            agent.close();
            throw new IOException("agent did not start listening within " + timeout.toMillis() + " ms; log "
                    + log + ":\n" + Files.readString(log), e);
        } catch (InterruptedException e) {
            agent.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the agent", e);
        }
        return agent;
    }

    private void pump(CompletableFuture<Void> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); var out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                if (line.contains(" listening on ")) {
                    listening.complete(null);
                }
            }
            listening.completeExceptionally(new IOException("agent exited with " + process.waitFor()));
        } catch (IOException | InterruptedException e) {
            listening.completeExceptionally(e);
        }
    }

    /** The agent's pid, for its memory (the java process: {@code ip netns exec} execs it). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Resident set size in KiB, from /proc. */
    public long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + pid());
    }

    /**
     * CPU time used by the agent and by the children it waited for (nft, ip, conntrack), in ms: what the work
     * cost regardless of how long it waited for a CPU on a busy machine. From /proc (clock ticks of 10 ms).
     */
    public long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17
        long ticks = 0;
        for (int field = 14; field <= 17; field++) {
            ticks += Long.parseLong(fields[field - 3]);
        }
        return ticks * 10;
    }

    /**
     * CPU time of the agent's JVM alone (all its threads, not its children), in ns, from the scheduler's per-thread
     * accounting ({@code /proc/<pid>/task/<tid>/schedstat}): fine enough to compare one call's cost where
     * {@link #cpuMillis}'s 10 ms ticks are too coarse. A thread that ended since the last reading is not counted.
     */
    public long cpuNanos() throws IOException {
        long nanos = 0;
        try (var threads = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    nanos += Long.parseLong(Files.readString(thread.resolve("schedstat")).split(" ", 2)[0]);
                } catch (java.nio.file.NoSuchFileException e) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return nanos;
    }

    public Path log() {
        return log;
    }

    /** SIGTERM, as an operator's stop would send; forcibly after 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
