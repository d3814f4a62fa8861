package io.vrouter.cli.shell;

import io.vrouter.cli.schema.ApiSchema;
import io.vrouter.cli.schema.ApiSpec;
import io.vrouter.cli.schema.ParamSpec;
import io.vrouter.cli.syntax.ApiCall;
import io.vrouter.cli.syntax.QueryWordParser;
import io.vrouter.cli.syntax.WordSplitter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Completion candidates for the text before the cursor: API names (and the shell's own words) first, then
 * {@code key=} for parameters not given yet, for Query APIs the queryable fields and reserved keys, and after
 * {@code key=} the parameter's choices ({@code enum}, booleans, {@code sortDirection}, field names for
 * {@code sortBy}, and each item of {@code fields} and of list parameters with choices). Matching ignores case, as the shell does.
 */
public final class CompletionEngine {

    /** Words the shell handles itself. */
    public static final List<String> BUILTINS = List.of("help", "exit", "quit");

    private final ApiSchema schema;

    public CompletionEngine(ApiSchema schema) {
        this.schema = schema;
    }

    public List<Completion> complete(String lineBeforeCursor) {
        WordSplitter.Partial p = WordSplitter.splitPartial(lineBeforeCursor);
        String word = p.partial();
        if (p.complete().isEmpty()) {
            return finished(Stream.concat(schema.apiNames().stream(), BUILTINS.stream()), word);
        }
        String command = p.complete().get(0);
        if (command.equals("help")) {
            return p.complete().size() == 1 ? finished(schema.apiNames().stream(), word) : List.of();
        }
        Optional<ApiSpec> spec = schema.api(command);
        if (spec.isEmpty()) {
            return List.of();
        }
        List<String> given = p.complete().subList(1, p.complete().size());
        return ApiCall.isQuery(command) ? query(spec.get(), given, word) : params(spec.get(), given, word);
    }

    private static List<Completion> params(ApiSpec spec, List<String> given, String word) {
        int eq = word.indexOf('=');
        if (eq < 0) {
            Set<String> used = new HashSet<>();
            for (String g : given) {
                used.add(g.contains("=") ? g.substring(0, g.indexOf('=')) : g);
            }
            List<Completion> out = new ArrayList<>();
            for (ParamSpec p : spec.params().values()) {
                if (!used.contains(p.name()) && startsWith(p.name(), word)) {
                    out.add(new Completion(p.name() + "=", p.name() + "=",
                            (p.required() ? "required. " : "") + p.description(), false));
                }
            }
            return out;
        }
        String key = word.substring(0, eq);
        return spec.param(key).map(p -> p.type().equals("array")
                ? listItems(key + "=", p.choices(), word.substring(eq + 1))
                : values(key + "=", choices(p), word.substring(eq + 1))).orElse(List.of());
    }

    private static List<String> choices(ParamSpec p) {
        if (!p.choices().isEmpty()) {
            return p.choices();
        }
        return p.type().equals("boolean") ? List.of("true", "false") : List.of();
    }

    private static List<Completion> query(ApiSpec spec, List<String> given, String word) {
        Optional<io.vrouter.api.QueryWords.Split> split = QueryWordParser.split(word);
        if (split.isEmpty()) {
            Set<String> usedReserved = new HashSet<>();
            for (String g : given) {
                QueryWordParser.split(g).map(io.vrouter.api.QueryWords.Split::field)
                        .filter(QueryWordParser.RESERVED_KEYS::contains).ifPresent(usedReserved::add);
            }
            List<Completion> out = new ArrayList<>();
            for (String f : spec.queryableFields()) {
                if (startsWith(f, word)) {
                    out.add(new Completion(f + "=", f + "=", "", false));
                }
            }
            for (String r : QueryWordParser.RESERVED_KEYS) {
                if (!usedReserved.contains(r) && startsWith(r, word)) {
                    out.add(new Completion(r + "=", r + "=", "reserved key", false));
                }
            }
            return out;
        }
        io.vrouter.api.QueryWords.Split s = split.get();
        if (s.operator() == null) {
            return List.of();
        }
        String head = s.field() + s.operator();
        return switch (s.field()) {
            case "count", "replyWithCount" -> values(head, List.of("true", "false"), s.value());
            case "sortDirection" -> values(head, List.of("asc", "desc"), s.value());
            case "sortBy" -> values(head, spec.queryableFields(), s.value());
            case "fields" -> listItems(head, spec.queryableFields(), s.value());
            default -> List.of();
        };
    }

    /** {@code fields=a,b,c}, {@code services=DHCP,S}: complete the last item, leave the word open for a comma. */
    private static List<Completion> listItems(String head, List<String> fields, String value) {
        int comma = value.lastIndexOf(',');
        String done = value.substring(0, comma + 1);
        String last = value.substring(comma + 1);
        List<Completion> out = new ArrayList<>();
        for (String f : fields) {
            if (startsWith(f, last)) {
                out.add(new Completion(head + done + f, f, "", false));
            }
        }
        return out;
    }

    private static List<Completion> values(String head, List<String> choices, String typed) {
        List<Completion> out = new ArrayList<>();
        for (String c : choices) {
            if (startsWith(c, typed)) {
                out.add(new Completion(head + c, c, "", true));
            }
        }
        return out;
    }

    private static List<Completion> finished(Stream<String> names, String typed) {
        return names.filter(n -> startsWith(n, typed)).map(n -> new Completion(n, n, "", true)).toList();
    }

    private static boolean startsWith(String candidate, String typed) {
        return candidate.toLowerCase(Locale.ROOT).startsWith(typed.toLowerCase(Locale.ROOT));
    }
}
