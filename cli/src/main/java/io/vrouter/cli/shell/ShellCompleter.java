package io.vrouter.cli.shell;

import io.vrouter.cli.schema.ApiSchema;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.util.List;
import java.util.function.Supplier;

/** Adapts {@link CompletionEngine} to JLine; the schema is asked for on each Tab so the first Tab fetches it. */
final class ShellCompleter implements Completer {

    private final Supplier<ApiSchema> schema;

    ShellCompleter(Supplier<ApiSchema> schema) {
        this.schema = schema;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String before = line.line().substring(0, Math.min(line.cursor(), line.line().length()));
        for (Completion c : new CompletionEngine(schema.get()).complete(before)) {
            candidates.add(new Candidate(c.value(), c.display(), null,
                    c.description().isEmpty() ? null : c.description(), null, null, c.complete()));
        }
    }
}
