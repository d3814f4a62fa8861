package io.vrouter.agent.ha;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One foreground process kept alive by the agent (keepalived, conntrackd): started, restarted when it dies (after a
 * pause that grows, so a broken configuration does not spin), stopped. The watching thread catches, logs and goes on.
 */
final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final long MAX_BACKOFF_MS = 10_000;

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private final Runnable beforeStart;
    private Process process;
    private boolean wanted;
    private Thread watcher;

    /** @param beforeStart run before every start (removing a stale pid file, a socket) */
    Daemon(String name, List<String> command, Path logFile, Runnable beforeStart) {
        this.name = name;
        this.command = List.copyOf(command);
        this.logFile = logFile;
        this.beforeStart = beforeStart;
    }

    synchronized void start() {
        if (wanted) {
            return;
        }
        wanted = true;
        spawn();
        watcher = new Thread(this::watch, name + "-supervisor");
        watcher.setDaemon(true);
        watcher.start();
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** Sends a signal (HUP: reload) to the running process; nothing when it is not running. */
    synchronized void signal(String signal) {
        if (process != null && process.isAlive()) {
            try {
                new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor(2, TimeUnit.SECONDS);
            } catch (IOException e) {
                LOG.warn("cannot signal {}: {}", name, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void spawn() {
        beforeStart.run();
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            LOG.info("{} started (pid {})", name, process.pid());
        } catch (IOException e) {
            process = null;
            LOG.error("cannot start {}: {}", name, e.getMessage());
        }
    }

    private void watch() {
        long backoff = 200;
        while (true) {
            try {
                Process p;
                synchronized (this) {
                    if (!wanted) {
                        return;
                    }
                    p = process;
                }
                if (p != null) {
                    int code = p.waitFor();
                    synchronized (this) {
                        if (!wanted) {
                            return;
                        }
                        LOG.warn("{} (pid {}) exited with {}; restarting in {} ms (see {})", name, p.pid(), code,
                                backoff, logFile);
                    }
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                synchronized (this) {
                    if (!wanted) {
                        return;
                    }
                    spawn();
                }
            } catch (InterruptedException e) {
                synchronized (this) {
                    if (!wanted) {
                        return;
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("{} supervisor: unexpected failure, carrying on", name, e);
            }
        }
    }

    @Override
    public void close() {
        Process p;
        synchronized (this) {
            wanted = false;
            p = process;
            process = null;
            if (watcher != null) {
                watcher.interrupt();
            }
        }
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
