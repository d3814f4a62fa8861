package io.vrouter.api;

import java.util.List;
import java.util.Optional;

/**
 * The zstack-cli spelling of a query condition, {@code name<op>value} (reference §6), shared by the CLI and the
 * REST form {@code ?q=...} so both read a condition the same way.
 *
 * <pre>
 *   =  != > >= < <=    as written
 *   ?=  !?=            in, not in (value is a comma-separated list)
 *   ~=  !~=            like, not like (wrapped in %...% when the value has no % or _)
 *   =null  !=null      is null, is not null
 * </pre>
 */
public final class QueryWords {
    /** Longest first, so that {@code !?=} is not read as {@code ?=} after a name ending in '!'. */
    private static final List<String[]> OPERATORS = List.of(
            new String[]{"!?=", "not in"}, new String[]{"!~=", "not like"},
            new String[]{"?=", "in"}, new String[]{"~=", "like"},
            new String[]{"!=", "!="}, new String[]{">=", ">="}, new String[]{"<=", "<="},
            new String[]{"=", "="}, new String[]{">", ">"}, new String[]{"<", "<"});

    private QueryWords() {
    }

    /** Parses one word; empty when it holds no operator. */
    public static Optional<QueryCondition> parse(String word) {
        int best = -1;
        String[] op = null;
        // the operator is the first one that appears; at equal positions the longest wins
        for (String[] candidate : OPERATORS) {
            int at = word.indexOf(candidate[0]);
            if (at > 0 && (best < 0 || at < best)) {
                best = at;
                op = candidate;
            }
        }
        if (op == null) {
            return Optional.empty();
        }
        String name = word.substring(0, best).trim();
        String value = word.substring(best + op[0].length());
        if (value.equals("null") && (op[1].equals("=") || op[1].equals("!="))) {
            return Optional.of(new QueryCondition(name, op[1].equals("=") ? "is null" : "is not null", null));
        }
        if ((op[1].equals("like") || op[1].equals("not like")) && !value.contains("%") && !value.contains("_")) {
            value = "%" + value + "%";
        }
        return Optional.of(new QueryCondition(name, op[1], value));
    }
}
