package io.vrouter.server.task;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A step whose undo survives the node: {@link FlowChain} writes its undo kind and arguments to the
 * {@link FlowJournal} before it runs, and its rollback is the registered {@link FlowUndo} called with those same
 * arguments, so the in-process rollback and the recovery after a crash are one code path. Built by
 * {@link FlowJournal#recorded}.
 */
final class RecordedFlow implements Flow {
    private final FlowJournal journal;
    private final String name;
    private final Flow.Step run;
    private final String undoKind;
    private final Function<FlowContext, Map<String, String>> undoArgs;
    /** Where this step keeps its arguments in a run's context: computed once, recorded and rolled back alike. */
    private final FlowKey<Map<String, String>> argsKey;

    RecordedFlow(FlowJournal journal, String name, Flow.Step run, String undoKind,
                 Function<FlowContext, Map<String, String>> undoArgs) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.name = name;
        this.run = Objects.requireNonNull(run, "run");
        this.undoKind = undoKind;
        this.undoArgs = Objects.requireNonNull(undoArgs, "undoArgs");
        this.argsKey = FlowKey.of(name + " (undo arguments)");
    }

    FlowJournal journal() {
        return journal;
    }

    String undoKind() {
        return undoKind;
    }

    /** Computes the undo's arguments from what the earlier steps put in the context (before this step runs). */
    Map<String, String> prepare(FlowContext context) {
        Map<String, String> args = Map.copyOf(undoArgs.apply(context));
        context.put(argsKey, args);
        return args;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void run(FlowContext context) throws Exception {
        if (!context.contains(argsKey)) {
            prepare(context);
        }
        run.apply(context);
    }

    @Override
    public void rollback(FlowContext context) throws Exception {
        journal.undo(undoKind, context.get(argsKey));
    }

    @Override
    public String toString() {
        return "RecordedFlow[" + name + ", undo " + undoKind + "]";
    }
}
