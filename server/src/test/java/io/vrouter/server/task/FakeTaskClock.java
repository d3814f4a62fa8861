package io.vrouter.server.task;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A {@link TaskClock} that moves only when a test calls {@link #advance}; due actions run on the advancing thread,
 * in deadline order. Public so that tests of other packages can drive task timeouts too.
 */
public final class FakeTaskClock implements TaskClock {

    private record Timer(long due, long seq, Runnable action) {
    }

    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>(Comparator.comparingLong(Timer::due).thenComparingLong(Timer::seq));
    private long now;
    private long seq;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable action) {
        Timer timer = new Timer(now + delay.toNanos(), seq++, action);
        timers.add(timer);
        return () -> {
            synchronized (this) {
                timers.remove(timer);
            }
        };
    }

    /** Moves time forward, running every action that falls due, each at its own deadline. */
    public void advance(Duration delta) {
        long target;
        synchronized (this) {
            target = now + delta.toNanos();
        }
        while (true) {
            Timer due;
            synchronized (this) {
                Timer next = timers.peek();
                if (next == null || next.due() > target) {
                    now = target;
                    return;
                }
                due = timers.poll();
                now = Math.max(now, due.due());
            }
            due.action().run(); // outside the lock, as a real timer thread would
        }
    }

    /** Actions scheduled and neither run nor cancelled. */
    public synchronized int scheduledCount() {
        return timers.size();
    }
}
