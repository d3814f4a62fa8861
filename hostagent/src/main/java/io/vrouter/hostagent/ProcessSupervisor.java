package io.vrouter.hostagent;

import io.vrouter.platform.threads.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The processes of a host's VMs, as a VM's init system keeps them: started detached from this JVM (so VMs keep
 * running while the process that started them restarts), found again by pid file, and restarted when they die.
 *
 * <p>A VM is watched from its start to its stop: once a second a supervisor thread asks each watch whether its
 * processes are alive and, when they have been dead for the watch's restart delay, restarts them under the VM's
 * lock (the same lock its start, stop and destroy hold, so a restart never races a stop).
 */
final class ProcessSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSupervisor.class);

    /**
     * What keeps one VM's processes alive.
     *
     * @param what         the processes, for the log ("the agent of router vr (uuid)")
     * @param restartDelay how long they stay dead before a restart (zero: at once)
     * @param alive        whether they all run
     * @param restart      starts those that do not (idempotent)
     */
    record Watch(String what, Duration restartDelay, BooleanSupplier alive, Runnable restart) {
    }

    private final Function<String, Object> lockOf;
    private final Map<String, Watch> watched = new ConcurrentHashMap<>();
    private final Map<String, Long> deadSince = new ConcurrentHashMap<>();
    private ScheduledExecutorService thread;

    /** {@code lockOf}: the lock of a VM, held by whatever starts, stops or destroys it. */
    ProcessSupervisor(Function<String, Object> lockOf) {
        this.lockOf = lockOf;
    }

    /** Keeps the processes of VM {@code vmUuid} alive from now on, in place of what was watched for it before. */
    void watch(String vmUuid, Watch watch) {
        watched.put(vmUuid, watch);
        deadSince.remove(vmUuid);
        ensureThread();
    }

    /** Stops keeping the VM's processes alive (before they are stopped, so none is restarted behind the stop). */
    void unwatch(String vmUuid) {
        watched.remove(vmUuid);
    }

    /** The VM's processes were just (re)started by someone else: their restart delay begins again. */
    void restarted(String vmUuid) {
        deadSince.remove(vmUuid);
    }

    /** Forgets every VM (their processes keep running). */
    void unwatchAll() {
        watched.clear();
    }

    // ---------------------------------------------------------------- processes

    /**
     * Starts a process detached from this JVM's lifetime (output appended to {@code log}, stdin from /dev/null); its
     * pid goes to {@code pidFile} ({@code ip netns exec} execs the command, so the pid is the command's).
     */
    static void spawn(String vmUuid, Path pidFile, Path log, Map<String, String> env, List<String> argv) {
        try {
            Files.createDirectories(pidFile.getParent());
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process process = pb.start();
            Files.writeString(pidFile, process.pid() + "\n");
        } catch (IOException e) {
            throw new HostAgentException("cannot start " + String.join(" ", argv) + " for VM " + vmUuid + ": " + e, e);
        }
    }

    /** The pid in {@code pidFile} if that process is alive and its command line contains {@code marker}; else -1. */
    static long livePid(Path pidFile, String marker) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return -1;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            String cmdline = LinuxHost.cmdline(pid);
            return cmdline != null && cmdline.contains(marker) ? pid : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** SIGTERM to the process in {@code pidFile} (when it is the one {@code marker} names), SIGKILL after {@code grace}. */
    static void stop(Path pidFile, String marker, Duration grace) {
        long pid = livePid(pidFile, marker);
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(h -> LinuxHost.terminate(List.of(h), grace));
        }
    }

    // ---------------------------------------------------------------- the supervisor thread

    private synchronized void ensureThread() {
        if (thread == null) {
            thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("netns-supervisor"));
            thread.scheduleWithFixedDelay(this::superviseQuietly, 1, 1, TimeUnit.SECONDS);
        }
    }

    private void superviseQuietly() {
        for (Map.Entry<String, Watch> entry : watched.entrySet()) {
            try {
                supervise(entry.getKey(), entry.getValue());
            } catch (RuntimeException e) {
                // the loop never dies: the next round tries again
                LOG.warn("supervising {} failed: {}", entry.getValue().what(), e.getMessage());
            }
        }
    }

    private void supervise(String vmUuid, Watch watch) {
        if (watch.alive().getAsBoolean()) {
            deadSince.remove(vmUuid);
            return;
        }
        long now = System.nanoTime();
        long since = deadSince.computeIfAbsent(vmUuid, k -> now);
        if (now - since < watch.restartDelay().toNanos()) {
            return;
        }
        synchronized (lockOf.apply(vmUuid)) {
            // a stop or a new start may have come in between
            if (watched.get(vmUuid) == watch && !watch.alive().getAsBoolean()) {
                LOG.warn("{} is not running: restarting it", watch.what());
                watch.restart().run();
            }
            deadSince.remove(vmUuid);
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }
}
