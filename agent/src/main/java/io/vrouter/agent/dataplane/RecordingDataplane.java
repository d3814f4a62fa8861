package io.vrouter.agent.dataplane;

import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.state.StateDelta;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A dataplane that only remembers: the state it was last given, a bounded log of commands and applies, and how
 * many commands ran at once. For the management node's simulator (a thousand in one process, so it stays small)
 * and for tests. Faults and latency can be injected.
 */
public final class RecordingDataplane implements Dataplane {

    /** One entry of the log: a command's arrival or end, or an apply. */
    public record Operation(long atNanos, String kind, String detail) {
    }

    private final int logCapacity;
    private final Deque<Operation> log;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger applies = new AtomicInteger();
    private final AtomicReference<String> failNext = new AtomicReference<>();
    private volatile Duration latency = Duration.ZERO;
    private DesiredState applied = new DesiredState();

    public RecordingDataplane() {
        this(256);
    }

    /** @param logCapacity how many operations to keep; older ones are dropped (memory per agent stays bounded) */
    public RecordingDataplane(int logCapacity) {
        this.logCapacity = logCapacity;
        this.log = new ArrayDeque<>(Math.min(logCapacity, 16));
    }

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public void apply(StateDelta delta, DesiredState state) {
        String failure = failNext.getAndSet(null);
        if (failure != null) {
            record("apply-failed", failure + ": " + delta);
            throw new DataplaneException(failure);
        }
        synchronized (this) {
            // incremental applies cost O(change), not O(state): the simulator sends many small commands
            if (delta.fullSync()) {
                applied = state.copy();
            } else {
                applied.apply(delta);
            }
        }
        applies.incrementAndGet();
        record("apply", delta.toString());
    }

    @Override
    public void commandStarted(String path) {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        record("command", path);
        Duration pause = latency;
        if (!pause.isZero()) {
            // outside the agent's lock, so concurrent commands overlap here as they would on a slow VR
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void commandFinished(String path, boolean success) {
        inFlight.decrementAndGet();
        if (!success) {
            record("command-failed", path);
        }
    }

    // ---------------------------------------------------------------- accessors for tests and the simulator

    /** A copy of the state the agent last applied. */
    public synchronized DesiredState appliedState() {
        return applied.copy();
    }

    /** The paths of the commands received, oldest first (within the log's capacity). */
    public List<String> commandPaths() {
        List<String> paths = new ArrayList<>();
        for (Operation op : operations()) {
            if (op.kind().equals("command")) {
                paths.add(op.detail());
            }
        }
        return paths;
    }

    @Override
    public void forgetFlowsOf(List<String> addresses) {
        record("forget-flows", String.join(",", addresses));
    }

    public List<Operation> operations() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public int commandsInFlight() {
        return inFlight.get();
    }

    /** The most commands that ran at once since creation or {@link #resetMaxInFlight()}. */
    public int maxCommandsInFlight() {
        return maxInFlight.get();
    }

    public void resetMaxInFlight() {
        maxInFlight.set(inFlight.get());
    }

    public int applyCount() {
        return applies.get();
    }

    /** The next apply fails with this message (and changes nothing). */
    public void failNextApply(String message) {
        failNext.set(message);
    }

    /** Every command pauses this long before it is handled, like a slow VR. */
    public void setCommandLatency(Duration latency) {
        this.latency = latency;
    }

    public void clearLog() {
        synchronized (log) {
            log.clear();
        }
    }

    private void record(String kind, String detail) {
        synchronized (log) {
            if (log.size() == logCapacity) {
                log.removeFirst();
            }
            log.addLast(new Operation(System.nanoTime(), kind, detail));
        }
    }
}
