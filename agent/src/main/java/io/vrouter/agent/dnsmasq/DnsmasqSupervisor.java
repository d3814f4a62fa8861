package io.vrouter.agent.dnsmasq;

import io.vrouter.agent.dataplane.Health;
import io.vrouter.platform.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one dnsmasq running in the foreground as the agent's child: starts it, restarts it if it dies (with a
 * growing pause, so a broken configuration does not spin), signals reloads, and stops it. The watching thread
 * never dies: it catches, logs and goes on.
 */
public final class DnsmasqSupervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DnsmasqSupervisor.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Path confFile;
    private final Path logFile;
    private final Path pidFile;
    private final CommandRunner runner;
    private final Thread watcher;
    private Process process;
    private boolean wanted;
    private boolean closed;
    private int restarts;
    private String lastExit;

    public DnsmasqSupervisor(Path confFile, Path logFile, Path pidFile, CommandRunner runner) {
        this.confFile = confFile;
        this.logFile = logFile;
        this.pidFile = pidFile;
        this.runner = runner;
        this.watcher = new Thread(this::watch, "dnsmasq-supervisor");
        this.watcher.setDaemon(true);
        this.watcher.start();
    }

    /** Starts dnsmasq if it is not running. */
    public synchronized void ensureRunning() {
        wanted = true;
        if (process == null || !process.isAlive()) {
            start();
        }
    }

    /** Stops and starts again: needed when the main configuration changes (interfaces, DHCP ranges). */
    public synchronized void restart() {
        wanted = true;
        stopProcess();
        start();
    }

    /** Asks dnsmasq to re-read its host, option and server files (needed after a removal: inotify only adds). */
    public synchronized void reload() {
        if (process != null && process.isAlive()) {
            runner.run(List.of("kill", "-HUP", Long.toString(process.pid())), null);
        }
    }

    public synchronized void stop() {
        wanted = false;
        stopProcess();
        notifyAll();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized Optional<Long> pid() {
        return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
    }

    public synchronized Health health() {
        if (!wanted || (process != null && process.isAlive())) {
            return Health.OK;
        }
        return Health.unhealthy("dnsmasq is not running (restarted " + restarts + " times, last exit: " + lastExit
                + "; log " + logFile + ")");
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            stop();
        }
        watcher.interrupt();
    }

    // ---------------------------------------------------------------- internals

    private void start() {
        killLeftover();
        ProcessBuilder builder = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--conf-file=" + confFile,
                "--log-facility=-")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = builder.start();
            LOG.info("dnsmasq started (pid {}) with {}", process.pid(), confFile);
            notifyAll();
        } catch (IOException e) {
            process = null;
            lastExit = "cannot start: " + e.getMessage();
            LOG.error("cannot start dnsmasq: {}", e.getMessage());
            notifyAll();
        }
    }

    private void stopProcess() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(3, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A dnsmasq left by a crashed agent holds the ports and the pid file: end it, but only if it is ours. */
    private void killLeftover() {
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(handle -> {
                String cmd = handle.info().commandLine().orElse("");
                if (cmd.contains("dnsmasq") && cmd.contains(confFile.toString())) {
                    LOG.warn("ending leftover dnsmasq pid {}", pid);
                    handle.destroy();
                }
            });
        } catch (IOException | NumberFormatException e) {
            LOG.debug("no usable pid file {}: {}", pidFile, e.toString());
        }
    }

    private void watch() {
        long backoff = 500;
        while (true) {
            try {
                Process p;
                synchronized (this) {
                    while (!closed && (!wanted || process == null)) {
                        if (wanted && process == null) {
                            // a failed start: try again after the pause
                            break;
                        }
                        wait();
                    }
                    if (closed) {
                        return;
                    }
                    p = process;
                }
                if (p != null) {
                    int code = p.waitFor();
                    long ranFor = System.currentTimeMillis() - p.info().startInstant().map(i -> i.toEpochMilli())
                            .orElse(System.currentTimeMillis());
                    synchronized (this) {
                        if (p != process || !wanted) {
                            continue; // stopped or restarted on purpose
                        }
                        restarts++;
                        lastExit = "exit code " + code;
                        process = null;
                        LOG.warn("dnsmasq (pid {}) exited with {}; restarting in {} ms (see {})", p.pid(), code,
                                backoff, logFile);
                    }
                    if (ranFor > 60_000) {
                        backoff = 500;
                    }
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                synchronized (this) {
                    if (wanted && !closed && process == null) {
                        start();
                    }
                }
            } catch (InterruptedException e) {
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                }
            } catch (RuntimeException | Error e) {
                LOG.error("dnsmasq supervisor: unexpected failure, carrying on", e);
            }
        }
    }
}
