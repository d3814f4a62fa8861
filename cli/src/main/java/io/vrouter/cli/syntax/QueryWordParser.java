package io.vrouter.cli.syntax;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrouter.api.QueryCondition;
import io.vrouter.api.QueryWords;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the words of a Query command into the query body (reference §5, §6):
 * {@code name?=a,b state!=Stopped vmNics.ip=null limit=10} becomes
 * {@code {"conditions":[{"name":"name","op":"in","value":"a,b"}, ...], "limit":10}}.
 *
 * <p>A field name never contains an operator character, so the operator starts at the first of
 * {@code = ! < > ? ~}; there the longest operator wins ({@code !?=} before {@code !=} before {@code =}), and
 * the rest of the word, including any further {@code =}, is the value.
 */
public final class QueryWordParser {

    /** The reserved keys of a query; everything else is a condition. */
    public static final List<String> RESERVED_KEYS =
            List.of("count", "limit", "start", "replyWithCount", "sortBy", "sortDirection", "fields");

    /** Operators as typed; the rules live in {@link QueryWords}, shared with the server's REST form. */
    public static final List<String> OPERATORS = QueryWords.OPERATORS;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A query word cut at its operator: see {@link QueryWords.Split}. */
    public static Optional<QueryWords.Split> split(String word) {
        return QueryWords.split(word);
    }

    private QueryWordParser() {
    }

    /** Builds the query body from the words after the API name. */
    public static ObjectNode parse(List<String> words) throws SyntaxException {
        List<QueryCondition> conditions = new ArrayList<>();
        ObjectNode reserved = JSON.objectNode();
        Set<String> seen = new HashSet<>();
        for (String word : words) {
            QueryWords.Split s = split(word).orElseThrow(() -> new SyntaxException(
                    "expected a condition such as name=value but got '" + word + "'"));
            if (s.operator() == null) {
                throw new SyntaxException("unknown operator in '" + word + "'; use one of " + String.join(" ", OPERATORS)
                        + " =null !=null");
            }
            if (s.field().isEmpty()) {
                throw new SyntaxException("missing field name before '" + s.operator() + "' in '" + word + "'");
            }
            if (RESERVED_KEYS.contains(s.field())) {
                if (!s.operator().equals("=")) {
                    throw new SyntaxException("reserved key '" + s.field() + "' takes '=' only, got '" + word + "'");
                }
                if (!seen.add(s.field())) {
                    throw new SyntaxException("reserved key '" + s.field() + "' given twice");
                }
                putReserved(reserved, s.field(), s.value());
            } else {
                conditions.add(QueryWords.condition(s));
            }
        }
        ObjectNode body = JSON.objectNode();
        ArrayNode list = body.putArray("conditions");
        for (QueryCondition c : conditions) {
            ObjectNode o = list.addObject().put("name", c.name()).put("op", c.op());
            if (c.value() != null) {
                o.put("value", c.value());
            }
        }
        body.setAll(reserved);
        return body;
    }

    private static void putReserved(ObjectNode body, String key, String value) throws SyntaxException {
        switch (key) {
            case "count", "replyWithCount" -> body.put(key, parseBoolean(key, value));
            case "limit", "start" -> body.put(key, parseCount(key, value));
            case "sortDirection" -> {
                String dir = value.toLowerCase();
                if (!dir.equals("asc") && !dir.equals("desc")) {
                    throw new SyntaxException("'sortDirection' must be asc or desc, got '" + value + "'");
                }
                body.put(key, dir);
            }
            case "fields" -> {
                ArrayNode fields = body.putArray(key);
                for (String f : value.split(",")) {
                    if (!f.isBlank()) {
                        fields.add(f.trim());
                    }
                }
            }
            default -> body.put(key, value); // sortBy
        }
    }

    private static boolean parseBoolean(String key, String value) throws SyntaxException {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new SyntaxException("'" + key + "' must be true or false, got '" + value + "'");
    }

    private static long parseCount(String key, String value) throws SyntaxException {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the key's name
        }
        throw new SyntaxException("'" + key + "' must be a non-negative integer, got '" + value + "'");
    }
}
