package io.vrouter.server.task;

import io.vrouter.platform.threads.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link System#nanoTime()} and one daemon timer thread; cancelled timers are removed at once, not when due. */
final class SystemTaskClock implements TaskClock {

    static final SystemTaskClock INSTANCE = new SystemTaskClock();

    private static final Logger log = LoggerFactory.getLogger(SystemTaskClock.class);

    private final ScheduledThreadPoolExecutor timer;

    private SystemTaskClock() {
        timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("vrouter-task-timer"));
        // without this, every finished task's timeout would stay queued until its deadline
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable action) {
        var future = timer.schedule(() -> {
            // the timer thread is shared by every queue: one bad action must not end it
            try {
                action.run();
            } catch (Throwable t) {
                log.error("Timer action failed", t);
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }
}
