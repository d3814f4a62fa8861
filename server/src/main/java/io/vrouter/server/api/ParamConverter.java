package io.vrouter.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.api.QueryCondition;
import io.vrouter.api.QueryOp;
import io.vrouter.server.db.Uuid;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Converts one JSON parameter value to its Java value and checks it against its {@link ApiParam}.
 *
 * <p>Lenient in form, strict in content: the CLI sends most values as strings, so a number or boolean may come
 * as text and a list as a comma-separated string; but the content must be exactly right, and every refusal
 * names the parameter, the value and what was expected.
 */
final class ParamConverter {
    /** Longest field name a condition may give (a path of relations, each a short name). */
    static final int MAX_CONDITION_NAME = 256;
    /** How much of a refused value an error quotes back. */
    private static final int MAX_QUOTED = 100;
    private static final Pattern HOST_NAME =
            Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private final ObjectMapper json;

    ParamConverter(ObjectMapper json) {
        this.json = json;
    }

    Object convert(ApiParam param, JsonNode node) {
        Object value = switch (param.type()) {
            case STRING -> checkedText(param, text(param, node));
            case UUID -> uuid(param, text(param, node));
            case INTEGER -> integer(param, node, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue();
            case LONG -> integer(param, node, Long.MIN_VALUE, Long.MAX_VALUE);
            case BOOLEAN -> bool(param, node);
            case IPV4 -> ipv4(param, text(param, node));
            case HOST_ADDRESS -> hostAddress(param, checkedText(param, text(param, node)));
            case CIDR -> cidr(param, text(param, node));
            case STRING_LIST -> stringList(param, node).stream().map(v -> checkedText(param, v)).toList();
            case UUID_LIST -> stringList(param, node).stream().map(v -> uuid(param, v)).toList();
            case MAP -> map(param, node);
            case CONDITIONS -> conditions(param, node);
        };
        checkChoices(param, value);
        checkRange(param, value);
        return value;
    }

    private static String text(ApiParam param, JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        throw invalid(param, node, "a string");
    }

    /** A text value within its length and {@link TextRules}; checked before anything else looks at it. */
    private static String checkedText(ApiParam param, String value) {
        if (value.length() > param.maxTextLength()) {
            throw ApiException.invalidArgument("parameter " + param.name() + ": " + value.length()
                    + " characters, longer than its limit of " + param.maxTextLength());
        }
        if (param.text() != ApiParam.TextForm.SECRET) {
            TextRules.problem(value, param.text() == ApiParam.TextForm.MULTI_LINE).ifPresent(problem -> {
                throw ApiException.invalidArgument("parameter " + param.name() + ": " + problem + " is not allowed"
                        + (param.text() == ApiParam.TextForm.LINE ? " in one line of text" : " in text"));
            });
        }
        return value;
    }

    /** A value as quoted back in an error: cut short and escaped, so a refusal is small and prints safely. */
    static String quote(String value) {
        return "'" + printable(value) + "'" + (value.length() <= MAX_QUOTED ? "" : "... (" + value.length() + " characters)");
    }

    /** The first {@link #MAX_QUOTED} characters with controls, format characters and lone surrogates as \\uXXXX. */
    private static String printable(String value) {
        String cut = value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED);
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static String uuid(ApiParam param, String value) {
        if (!Uuid.isValid(value)) {
            throw ApiException.invalidArgument("parameter " + param.name() + ": " + quote(value)
                    + " is not a uuid (32 lower-case hex digits)");
        }
        return value;
    }

    private static Long integer(ApiParam param, JsonNode node, long min, long max) {
        long v;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            v = node.asLong();
        } else if (node.isTextual() && node.asText().trim().matches("-?\\d{1,19}")) {
            try {
                v = Long.parseLong(node.asText().trim());
            } catch (NumberFormatException e) {
                throw invalid(param, node, "a whole number");
            }
        } else {
            throw invalid(param, node, "a whole number");
        }
        if (v < min || v > max) {
            throw ApiException.invalidArgument("parameter " + param.name() + ": " + v + " is out of range " + min + ".." + max);
        }
        return v;
    }

    private static Boolean bool(ApiParam param, JsonNode node) {
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isTextual() && (node.asText().equalsIgnoreCase("true") || node.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(node.asText());
        }
        throw invalid(param, node, "true or false");
    }

    private static String ipv4(ApiParam param, String value) {
        if (!Ipv4.isValid(value)) {
            throw ApiException.invalidArgument("parameter " + param.name() + ": " + quote(value) + " is not an IPv4 address");
        }
        return value;
    }

    /**
     * An IPv4 address, or a host name as RFC 1123 spells one: labels of letters, digits and inner hyphens, at most
     * 63 characters each and 253 in all. Nothing else: the value reaches logs, commands and other programs' configs.
     */
    private static String hostAddress(ApiParam param, String value) {
        if (Ipv4.isValid(value)) {
            return value;
        }
        boolean allDigitsAndDots = value.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
        if (allDigitsAndDots || value.length() > 253 || !HOST_NAME.matcher(value).matches()) {
            throw ApiException.invalidArgument("parameter " + param.name() + ": " + quote(value)
                    + " is neither an IPv4 address nor a host name (letters, digits, hyphens and dots)");
        }
        return value;
    }

    private static String cidr(ApiParam param, String value) {
        if (Ipv4Cidr.tryParse(value).isEmpty()) {
            throw ApiException.invalidArgument("parameter " + param.name() + ": " + quote(value)
                    + " is not an IPv4 CIDR such as 192.168.0.0/24 (network address, no host bits)");
        }
        return value;
    }

    private static List<String> stringList(ApiParam param, JsonNode node) {
        List<String> values = new ArrayList<>();
        // strip, not trim: trim also drops control characters (a trailing NUL), hiding them from TextRules
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (!element.isValueNode() || element.isNull()) {
                    throw invalid(param, node, "a list of strings");
                }
                values.add(element.asText().strip());
            }
        } else if (node.isTextual()) {
            Arrays.stream(node.asText().split(",")).map(String::strip).forEach(values::add);
        } else {
            throw invalid(param, node, "a list (JSON array or comma-separated string)");
        }
        if (values.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalidArgument("parameter " + param.name() + ": empty element in " + quote(node.toString()));
        }
        return List.copyOf(values);
    }

    private Map<String, Object> map(ApiParam param, JsonNode node) {
        JsonNode object = node;
        if (node.isTextual()) {
            try {
                object = json.readTree(node.asText());
            } catch (Exception e) {
                throw invalid(param, node, "a JSON object");
            }
        }
        if (object == null || !object.isObject()) {
            throw invalid(param, node, "a JSON object");
        }
        checkTextInside(param, object);
        @SuppressWarnings("unchecked")
        Map<String, Object> value = json.convertValue(object, Map.class);
        return value;
    }

    /** Every key and string inside a map parameter is text like any other: same length limit, same {@link TextRules}. */
    private static void checkTextInside(ApiParam param, JsonNode node) {
        if (node.isTextual()) {
            checkedText(param, node.asText());
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                checkedText(param, field.getKey());
                checkTextInside(param, field.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                checkTextInside(param, element);
            }
        }
    }

    private static List<QueryCondition> conditions(ApiParam param, JsonNode node) {
        if (!node.isArray()) {
            throw invalid(param, node, "a list of {name, op, value}");
        }
        List<QueryCondition> conditions = new ArrayList<>();
        for (JsonNode c : node) {
            if (!c.isObject() || !c.path("name").isTextual() || !c.path("op").isTextual()) {
                throw ApiException.invalidArgument("parameter " + param.name() + ": each condition needs a name and an op, got "
                        + quote(c.toString()));
            }
            String name = c.get("name").asText();
            if (name.length() > MAX_CONDITION_NAME) {
                throw ApiException.invalidArgument("condition on " + quote(name) + ": a field name has at most "
                        + MAX_CONDITION_NAME + " characters");
            }
            TextRules.problem(name, false).ifPresent(problem -> {
                throw ApiException.invalidArgument("condition on " + quote(name) + ": " + problem + " is not allowed in a field name");
            });
            String op = c.get("op").asText();
            QueryOp parsed = QueryOp.fromWire(op).orElseThrow(() -> ApiException.invalidArgument(
                    "condition on " + name + ": unknown operator " + quote(op) + "; operators are "
                            + Arrays.stream(QueryOp.values()).map(QueryOp::wire).toList()));
            JsonNode value = c.get("value");
            if (!parsed.unary() && (value == null || value.isNull() || value.isContainerNode())) {
                throw ApiException.invalidArgument("condition on " + name + " with operator '"
                        + op + "' needs a value");
            }
            if (value != null && value.isTextual()) {
                TextRules.problem(value.asText(), true).ifPresent(problem -> {
                    throw ApiException.invalidArgument("condition on " + name + ": " + problem + " is not allowed in a value");
                });
            }
            conditions.add(new QueryCondition(name, parsed.wire(),
                    parsed.unary() ? null : value.asText()));
        }
        return List.copyOf(conditions);
    }

    private static void checkChoices(ApiParam param, Object value) {
        if (param.choices().isEmpty()) {
            return;
        }
        List<?> values = value instanceof List<?> list ? list : List.of(value);
        for (Object v : values) {
            if (!param.choices().contains(String.valueOf(v))) {
                throw ApiException.invalidArgument("parameter " + param.name() + ": " + quote(String.valueOf(v)) + " is not one of " + param.choices());
            }
        }
    }

    private static void checkRange(ApiParam param, Object value) {
        if (param.min() == null && param.max() == null) {
            return;
        }
        long measured;
        String what;
        if (value instanceof Number n) {
            measured = n.longValue();
            what = String.valueOf(measured);
        } else if (value instanceof String s) {
            measured = s.length();
            what = "length " + measured;
        } else if (value instanceof List<?> l) {
            measured = l.size();
            what = l.size() + " elements";
        } else {
            return;
        }
        if ((param.min() != null && measured < param.min()) || (param.max() != null && measured > param.max())) {
            throw ApiException.invalidArgument("parameter " + param.name() + ": " + what + " is out of range "
                    + (param.min() == null ? "" : param.min()) + ".." + (param.max() == null ? "" : param.max()));
        }
    }

    private static ApiException invalid(ApiParam param, JsonNode node, String expected) {
        String json = node.toString();
        String got = param.text() == ApiParam.TextForm.SECRET ? "a " + node.getNodeType().name().toLowerCase()
                : printable(json) + (json.length() <= MAX_QUOTED ? "" : "... (" + json.length() + " characters)");
        return ApiException.invalidArgument("parameter " + param.name() + ": expected " + expected + ", got " + got);
    }
}
