package io.vrouter.cli.syntax;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrouter.cli.schema.ApiSchema;
import io.vrouter.cli.schema.ParamSpec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns {@code API key=value ...} words into an {@link ApiCall}.
 *
 * <p>Query APIs go to {@link QueryWordParser}. For the others each word is cut at its first {@code =}; the value is
 * typed by the parameter's schema: {@code array} splits on commas (or takes a {@code [...]} literal; blank is the empty list),
 * {@code object} takes a map literal, {@code integer}/{@code number}/{@code boolean} become JSON numbers and
 * booleans when they parse cleanly (otherwise the text goes as is and the server names the error). Without a
 * schema every value is sent as the string typed, which the server converts.
 */
public final class CommandLineParser {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

    private final ApiSchema schema;

    public CommandLineParser(ApiSchema schema) {
        this.schema = schema;
    }

    /** Parses the words of one command; the first word is the API name. */
    public ApiCall parse(List<String> words) throws SyntaxException {
        if (words.isEmpty()) {
            throw new SyntaxException("missing API name");
        }
        String api = words.get(0);
        if (!API_NAME.matcher(api).matches()) {
            throw new SyntaxException("expected an API name first, got '" + api + "'");
        }
        List<String> args = words.subList(1, words.size());
        if (ApiCall.isQuery(api)) {
            return new ApiCall(api, QueryWordParser.parse(args));
        }
        ObjectNode body = JSON.objectNode();
        for (String word : args) {
            int eq = word.indexOf('=');
            if (eq < 0) {
                throw new SyntaxException("expected key=value but got '" + word + "'");
            }
            String key = word.substring(0, eq);
            if (key.isEmpty()) {
                throw new SyntaxException("missing parameter name before '=' in '" + word + "'");
            }
            if (body.has(key)) {
                throw new SyntaxException("parameter '" + key + "' given twice");
            }
            Optional<ParamSpec> spec = schema.api(api).flatMap(a -> a.param(key));
            body.set(key, spec.isPresent() ? typed(spec.get(), word.substring(eq + 1)) : JSON.textNode(word.substring(eq + 1)));
        }
        return new ApiCall(api, body);
    }

    private static JsonNode typed(ParamSpec spec, String value) throws SyntaxException {
        return switch (spec.type()) {
            case "array" -> list(spec, value);
            case "object" -> map(spec, value);
            default -> scalar(spec.type(), value);
        };
    }

    private static JsonNode list(ParamSpec spec, String value) throws SyntaxException {
        if (value.trim().startsWith("[")) {
            try {
                return MapLiteralParser.parseList(value);
            } catch (SyntaxException e) {
                throw new SyntaxException("parameter '" + spec.name() + "' expects a list such as a,b or ['a','b']: "
                        + e.getMessage());
            }
        }
        ArrayNode items = JSON.arrayNode();
        if (value.isBlank()) {
            return items;
        }
        // empty items (a,,b) are kept: the server names them, rather than the CLI guessing what was meant
        for (String item : value.split(",", -1)) {
            items.add(scalar(spec.itemType(), item.trim()));
        }
        return items;
    }

    private static JsonNode map(ParamSpec spec, String value) throws SyntaxException {
        try {
            return MapLiteralParser.parseMap(value);
        } catch (SyntaxException e) {
            throw new SyntaxException("parameter '" + spec.name() + "' expects a map literal such as "
                    + "{'key':['a','b']}: " + e.getMessage());
        }
    }

    /** A clean number or boolean goes as JSON; anything else as text, for the server to reject with its message. */
    private static JsonNode scalar(String type, String value) {
        switch (type == null ? "string" : type) {
            case "integer" -> {
                if (INTEGER.matcher(value).matches()) {
                    BigInteger n = new BigInteger(value);
                    return n.bitLength() < 64 ? JSON.numberNode(n.longValue()) : JSON.numberNode(n);
                }
            }
            case "number" -> {
                if (NUMBER.matcher(value).matches()) {
                    return JSON.numberNode(new BigDecimal(value));
                }
            }
            case "boolean" -> {
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    return JSON.booleanNode(value.equalsIgnoreCase("true"));
                }
            }
            default -> {
                // strings and types the CLI does not know go as typed
            }
        }
        return JSON.textNode(value);
    }
}
