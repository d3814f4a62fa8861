package io.vrouter.server.task;

import java.util.Objects;

/**
 * One named step of a {@link FlowChain}: {@link #run} does it, {@link #rollback} undoes it after a later step
 * failed.
 *
 * <p>What an implementation owes the chain: {@code rollback} is called only when {@code run} returned normally, so
 * a {@code run} that fails halfway cleans up its own partial work (or is split into smaller steps); a rollback
 * undoes what its run did and tolerates that work being already gone (it may run after a timeout interrupted
 * the thread, and then again by hand).
 */
public interface Flow {

    /** A run or rollback body written as a lambda. */
    @FunctionalInterface
    interface Step {
        void apply(FlowContext context) throws Exception;
    }

    /** The step's name in errors and logs; by default the class's simple name. */
    default String name() {
        return getClass().getSimpleName();
    }

    void run(FlowContext context) throws Exception;

    /** Undoes {@link #run}; nothing by default, for steps that change nothing outside the context. */
    default void rollback(FlowContext context) throws Exception {
    }

    /** Whether to leave this step out for this context; a skipped step is not rolled back. */
    default boolean skip(FlowContext context) {
        return false;
    }

    /** A step without rollback. */
    static Flow of(String name, Step run) {
        return of(name, run, ctx -> {
        });
    }

    /** A step with a rollback. */
    static Flow of(String name, Step run, Step rollback) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("flow name must not be blank");
        }
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(rollback, "rollback");
        return new Flow() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(FlowContext context) throws Exception {
                run.apply(context);
            }

            @Override
            public void rollback(FlowContext context) throws Exception {
                rollback.apply(context);
            }

            @Override
            public String toString() {
                return "Flow[" + name + "]";
            }
        };
    }
}
