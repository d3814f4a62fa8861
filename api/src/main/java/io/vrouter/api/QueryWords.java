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
 *
 * <p>A field name never contains an operator character, so the operator starts at the first of
 * {@code = ! < > ? ~}; there the longest operator wins, and the rest of the word, including any further
 * {@code =}, is the value.
 */
public final class QueryWords {
    /** Operators as typed, longest first so that a prefix never shadows a longer one. */
    public static final List<String> OPERATORS = List.of("!?=", "!~=", "!=", "?=", "~=", ">=", "<=", "=", ">", "<");

    private static final String OPERATOR_CHARS = "=!<>?~";

    /**
     * A word cut at its operator.
     *
     * @param field    the text before the operator
     * @param operator the operator as typed, one of {@link #OPERATORS}, or null when the operator characters
     *                 form none of them (e.g. {@code a!x})
     * @param value    the text after the operator
     */
    public record Split(String field, String operator, String value) {
    }

    private QueryWords() {
    }

    /** Cuts a word at its operator; empty when the word has no operator character. */
    public static Optional<Split> split(String word) {
        int at = -1;
        for (int i = 0; i < word.length(); i++) {
            if (OPERATOR_CHARS.indexOf(word.charAt(i)) >= 0) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return Optional.empty();
        }
        for (String op : OPERATORS) {
            if (word.startsWith(op, at)) {
                return Optional.of(new Split(word.substring(0, at), op, word.substring(at + op.length())));
            }
        }
        return Optional.of(new Split(word.substring(0, at), null, word.substring(at)));
    }

    /** The condition a split with a known operator stands for. */
    public static QueryCondition condition(Split s) {
        String value = s.value();
        QueryOp op = switch (s.operator()) {
            case "=" -> value.equals("null") ? QueryOp.IS_NULL : QueryOp.EQ;
            case "!=" -> value.equals("null") ? QueryOp.NOT_NULL : QueryOp.NOT_EQ;
            case ">" -> QueryOp.GT;
            case ">=" -> QueryOp.GT_OR_EQ;
            case "<" -> QueryOp.LT;
            case "<=" -> QueryOp.LT_OR_EQ;
            case "?=" -> QueryOp.IN;
            case "!?=" -> QueryOp.NOT_IN;
            case "~=" -> QueryOp.LIKE;
            case "!~=" -> QueryOp.NOT_LIKE;
            default -> throw new IllegalArgumentException("unknown operator '" + s.operator() + "'");
        };
        if (op.unary()) {
            value = null;
        } else if ((op == QueryOp.LIKE || op == QueryOp.NOT_LIKE) && value.indexOf('%') < 0 && value.indexOf('_') < 0) {
            // zstack-cli's convenience: a plain word matches anywhere; a pattern with wildcards is taken as is
            value = "%" + value + "%";
        }
        return new QueryCondition(s.field(), op.wire(), value);
    }

    /** Parses one word; empty when it is not a condition (no operator, unknown operator or no field name). */
    public static Optional<QueryCondition> parse(String word) {
        return split(word).filter(s -> s.operator() != null && !s.field().isEmpty()).map(QueryWords::condition);
    }
}
