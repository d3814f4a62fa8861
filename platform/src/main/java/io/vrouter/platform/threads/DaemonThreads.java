package io.vrouter.platform.threads;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the background work of every process (timers, probes, pipe drainers, reconciles): daemon
 * threads, so that background work never keeps a JVM from exiting, each named for what it does, so a thread dump
 * says who is stuck.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** Every thread named {@code name}: for a single-thread executor or a pool whose threads are alike. */
    public static ThreadFactory named(String name) {
        return r -> start(r, name);
    }

    /** Threads named {@code prefix-1}, {@code prefix-2}, ...: for a pool whose threads a dump must tell apart. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger seq = new AtomicInteger();
        return r -> start(r, prefix + "-" + seq.incrementAndGet());
    }

    private static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
