package io.vrouter.server.task;

import java.util.Map;

/**
 * How to undo one kind of recorded step, from what was recorded alone: a node that never ran the step (the next
 * node start after a crash) calls it with the step's arguments, and so does the chain's own rollback, so the two
 * paths are one code. An undo is idempotent and tolerates its work being partly or wholly absent: the crash may
 * have come before, during or after the step's run, and a failed undo is tried again.
 */
@FunctionalInterface
public interface FlowUndo {
    void undo(Map<String, String> args) throws Exception;
}
