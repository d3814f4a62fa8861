package io.vrouter.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The project's list of hostile request bodies for one API, each one invalid whatever the API: bodies broken as
 * a whole (deep nesting, trailing garbage, not an object, not JSON, duplicate keys, unknown parameters), and per
 * parameter values no parameter of that type may take (the wrong JSON type, arrays for scalars, NaN and
 * Infinity, numbers out of every range, strings over every limit, control, bidi and zero-width characters,
 * lone surrogates, bad uuids, addresses and CIDRs, deep nesting inside the value).
 *
 * <p>A body here is protocol-neutral JSON text: a {@link HostileProtocol} decides how it travels.
 */
public final class HostileRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One hostile body: what it tries, the JSON text, and the Content-Type it is sent with. */
    public record Body(String label, String json, String contentType) {
        Body(String label, String json) {
            this(label, json, "application/json");
        }
    }

    private HostileRequests() {
    }

    public static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    public static List<Body> forApi(ApiDefinition api) {
        List<Body> bodies = new ArrayList<>();
        bodies.add(new Body("nested 5,000 deep", nested(5000)));
        bodies.add(new Body("object nested 2,000 deep", "{\"a\":".repeat(2000) + "1" + "}".repeat(2000)));
        bodies.add(new Body("trailing garbage", "{\"noSuchParameter\":1}xyz"));
        bodies.add(new Body("two objects", "{}{}"));
        bodies.add(new Body("array body", "[1,2,3]"));
        bodies.add(new Body("string body", "\"CreateZone\""));
        bodies.add(new Body("not JSON", "name=x&description=y"));
        bodies.add(new Body("unknown parameter", "{\"noSuchParameter\":\"x\"}"));
        bodies.add(new Body("text/plain", "{\"noSuchParameter\":\"x\"}", "text/plain"));
        bodies.add(new Body("form", "noSuchParameter=x", "application/x-www-form-urlencoded"));
        bodies.add(new Body("no content type", "{}", null));
        bodies.add(new Body("long key", "{\"" + "k".repeat(100_000) + "\":1}"));
        bodies.add(new Body("number of 1,000 digits", "{\"noSuchParameter\":" + "9".repeat(1000) + "}"));
        for (ApiParam p : api.params()) {
            // the other required parameters well-formed, so that only the hostile value can be what is refused
            String others = baseline(api, p);
            for (Value v : badValues(p)) {
                bodies.add(new Body(p.name() + ": " + v.label(), "{" + others + quote(p.name()) + ":" + v.json() + "}"));
            }
            bodies.add(new Body(p.name() + ": given twice", "{" + quote(p.name()) + ":" + anyValue(p) + ","
                    + quote(p.name()) + ":" + anyValue(p) + "}"));
        }
        return bodies;
    }

    /**
     * Hostile query strings for a REST collection ({@code q=}, {@code limit}, {@code sort}, ...), by what each tries;
     * the same for our {@code /v1} queries and ZStack's REST queries.
     */
    public static Map<String, String> queryStrings() {
        return Map.ofEntries(
                Map.entry("looping relations", "q=" + HostileProtocol.urlEncoded("vmNics.vmInstance.".repeat(100) + "uuid=x")),
                // longer lists do not fit in a URL (Jetty answers 414 before the node sees them)
                Map.entry("in-list of 1,001", "q=" + HostileProtocol.urlEncoded("uuid?=" + String.join(",", Collections.nCopies(1001, "x")))),
                Map.entry("NUL value", "q=" + HostileProtocol.urlEncoded("uuid=a\u0000")),
                Map.entry("bidi field", "q=" + HostileProtocol.urlEncoded("na\u202Eme=x")),
                Map.entry("no operator", "q=" + HostileProtocol.urlEncoded("uuid")),
                Map.entry("unknown field", "q=" + HostileProtocol.urlEncoded("noSuchField=x")),
                Map.entry("bad limit", "limit=" + HostileProtocol.urlEncoded("\u0661\u0662")),
                Map.entry("negative start", "start=-1"),
                Map.entry("bad sort", "sort=" + HostileProtocol.urlEncoded("-" + "x".repeat(5000))),
                Map.entry("bad fields", "fields=" + HostileProtocol.urlEncoded("a\u0000")));
    }

    private record Value(String label, String json) {
    }

    /** The API's required parameters other than {@code except}, each with a well-formed value, as JSON members. */
    private static String baseline(ApiDefinition api, ApiParam except) {
        StringBuilder members = new StringBuilder();
        for (ApiParam p : api.params()) {
            if (!p.required() || p.name().equals(except.name())) {
                continue;
            }
            String value = switch (p.type()) {
                case UUID -> quote(io.vrouter.server.testing.Infra.MISSING);
                case UUID_LIST -> "[" + quote(io.vrouter.server.testing.Infra.MISSING) + "]";
                case STRING -> quote(p.choices().isEmpty() ? "x" : p.choices().get(0));
                case INTEGER, LONG -> String.valueOf(p.min() == null ? 1 : Math.max(p.min(), 1));
                case BOOLEAN -> "false";
                case IPV4, HOST_ADDRESS -> "\"192.0.2.1\"";
                case CIDR -> "\"192.0.2.0/24\"";
                case STRING_LIST -> "[" + quote(p.choices().isEmpty() ? "x" : p.choices().get(0)) + "]";
                case MAP -> "{}";
                case CONDITIONS -> "[]";
            };
            members.append(quote(p.name())).append(':').append(value).append(',');
        }
        return members.toString();
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Some value of the parameter's JSON shape (not necessarily valid): for the duplicate-key case. */
    private static String anyValue(ApiParam p) {
        return switch (p.type()) {
            case STRING_LIST, UUID_LIST, CONDITIONS -> "[]";
            case MAP -> "{}";
            case INTEGER, LONG -> "1";
            case BOOLEAN -> "true";
            default -> "\"x\"";
        };
    }

    private static List<Value> badValues(ApiParam p) {
        List<Value> values = new ArrayList<>();
        values.add(new Value("nested 2,000 deep", nested(2000)));
        values.add(new Value("70,000-character string", quote("x".repeat(70_000))));
        values.add(new Value("NaN", "NaN"));
        values.add(new Value("Infinity", "-Infinity"));
        switch (p.type()) {
            case STRING, UUID, IPV4, CIDR, HOST_ADDRESS -> {
                values.add(new Value("array for a scalar", "[\"a\",\"b\"]"));
                values.add(new Value("object for a scalar", "{\"a\":1}"));
                values.add(new Value("one past its limit", quote("x".repeat((int) Math.min(p.maxTextLength() + 1, 60_000)))));
                values.add(new Value("NUL", quote("a\u0000b")));
                values.add(new Value("lone surrogate", "\"a\\ud800b\""));
                values.add(new Value("bidi override", quote("a\u202Eb")));
                values.add(new Value("zero-width joiner", quote("a\u200Db")));
                values.add(new Value("escape sequence", quote("a\u001b[2Jb")));
                values.add(new Value("C1 control", quote("a\u009bb")));
                if (p.text() == ApiParam.TextForm.SECRET) {
                    // a password takes any character: only shape and length are refused
                    values.removeIf(v -> !v.label().contains("scalar") && !v.label().contains("limit")
                            && !v.label().contains("deep") && !v.label().contains("70,000")
                            && !v.label().equals("NaN") && !v.label().equals("Infinity"));
                }
                if (p.text() == ApiParam.TextForm.LINE) {
                    values.add(new Value("line break", quote("a\r\nb")));
                    values.add(new Value("tab", quote("a\tb")));
                }
            }
            case INTEGER, LONG -> {
                values.add(new Value("array for a number", "[1]"));
                values.add(new Value("fraction", "1.5"));
                values.add(new Value("beyond a long", "99999999999999999999999"));
                values.add(new Value("exponent", "1e999"));
                values.add(new Value("Arabic-Indic digits", quote("\u0661\u0662")));
                values.add(new Value("hex", quote("0x10")));
            }
            case BOOLEAN -> {
                values.add(new Value("yes", quote("yes")));
                values.add(new Value("number for a boolean", "1"));
                values.add(new Value("array for a boolean", "[true]"));
            }
            case STRING_LIST, UUID_LIST -> {
                values.add(new Value("object for a list", "{\"a\":1}"));
                values.add(new Value("list of objects", "[{\"a\":1}]"));
                values.add(new Value("list of lists", "[[\"a\"]]"));
                values.add(new Value("NUL element", "[" + quote("a\u0000") + "]"));
                values.add(new Value("empty element", "[\"\"]"));
            }
            case MAP -> {
                values.add(new Value("array for a map", "[1]"));
                values.add(new Value("text that is not JSON", quote("{not json")));
                values.add(new Value("number for a map", "1"));
                values.add(new Value("NUL in a key", "{" + quote("a\u0000") + ":[\"DHCP\"]}"));
                values.add(new Value("bidi override in a value", "{\"a\":[" + quote("DH\u202ECP") + "]}"));
            }
            case CONDITIONS -> {
                values.add(new Value("object for conditions", "{\"name\":\"uuid\"}"));
                values.add(new Value("condition without op", "[{\"name\":\"uuid\"}]"));
                values.add(new Value("unknown operator", "[{\"name\":\"uuid\",\"op\":\"~~\",\"value\":\"x\"}]"));
                values.add(new Value("looping relations", "[{\"name\":" + quote("vmNics.vmInstance.".repeat(100) + "uuid")
                        + ",\"op\":\"=\",\"value\":\"x\"}]"));
                values.add(new Value("in-list of 100,000", "[{\"name\":\"uuid\",\"op\":\"in\",\"value\":"
                        + quote(String.join(",", java.util.Collections.nCopies(100_000, "x"))) + "}]"));
                values.add(new Value("NUL in a value", "[{\"name\":\"uuid\",\"op\":\"=\",\"value\":" + quote("a\u0000") + "}]"));
                values.add(new Value("unknown field", "[{\"name\":\"noSuchField\",\"op\":\"=\",\"value\":\"x\"}]"));
                values.add(new Value("201 conditions", JSON.createArrayNode().addAll(java.util.Collections.nCopies(201,
                        (ObjectNode) JSON.createObjectNode().put("name", "uuid").put("op", "=").put("value", "x"))).toString()));
            }
        }
        return values;
    }

    static boolean isText(ApiParam p) {
        return p.type() == ParamType.STRING;
    }
}
