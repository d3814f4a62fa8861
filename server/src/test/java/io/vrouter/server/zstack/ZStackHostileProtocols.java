package io.vrouter.server.zstack;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.client.ApiClient;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.http.HostileProtocol;
import io.vrouter.server.http.HostileRequests;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.TestNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ZStack's two protocols for {@code HostileInputContract}: the same hostile bodies as {@code POST /v1/api}, sent
 * the way {@link RpcClient} and {@link RestV1Client} send a call, and read the way ZStack's clients read a refusal.
 */
public final class ZStackHostileProtocols {
    /** Reads hostile bodies deeper than the node allows, to spread their members over a query string. */
    private static final ObjectMapper LENIENT = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000).maxStringLength(Integer.MAX_VALUE).build())
            .build());
    private static final Pattern VAR = Pattern.compile("\\{(.+?)\\}");
    /** Longer query strings do not fit in a request line (Jetty answers 414 before the node sees them). */
    private static final int MAX_QUERY = 6_000;

    private ZStackHostileProtocols() {
    }

    /**
     * {@code POST /zstack/api/} with {@code {"<message class>": <body with the session inside>}}. A refusal is what
     * zstack-cli reads as one: an envelope whose result is {@code success: false} with an error code, HTTP 200 for a
     * well-formed envelope, 400 for one that is not.
     */
    public static final HostileProtocol RPC = new HostileProtocol() {
        @Override
        public String name() {
            return "POST /zstack/api/";
        }

        @Override
        public List<Case> cases(TestNode node, ApiClient client, ApiDefinition api) {
            ZStackApi z = ZStackApis.of(node.node().catalogue()).byApiName(api.name()).orElseThrow();
            RpcClient rpc = new RpcClient(node.url());
            String key = RpcClient.JSON.getNodeFactory().textNode(z.messageClass()).toString();
            List<Case> cases = new ArrayList<>();
            for (HostileRequests.Body body : HostileRequests.forApi(api)) {
                String envelope = "{" + key + ":" + withSession(body.json(), client.session()) + "}";
                cases.add(new Case(api.name() + " RPC " + body.label(), () -> answer(() -> rpc.sendRaw(envelope, body.contentType()))));
            }
            cases.add(new Case(api.name() + " RPC nested, no session", () -> answer(() -> rpc.sendRaw(
                    "{" + key + ":{\"a\":" + HostileRequests.nested(5000) + "}}"))));
            cases.add(new Case(api.name() + " RPC session of NUL and bidi", () -> answer(() -> rpc.sendRaw(
                    "{" + key + ":{\"session\":{\"uuid\":\"a\\u0000\\u202eb\"}}}"))));
            cases.add(new Case(api.name() + " RPC session as a list", () -> answer(() -> rpc.sendRaw(
                    "{" + key + ":{\"session\":[" + HostileRequests.nested(20) + "]}}"))));
            if (api.name().equals("LogInByAccount")) {
                // the result of a job that is no job, once (every catalogue has a login)
                cases.add(new Case("RPC result of a bidi job name", () -> answer(() -> resultOf(rpc, node.url(),
                        "a%E2%80%AEb" + "x".repeat(5000)))));
            }
            return cases;
        }

        private RpcClient.Result resultOf(RpcClient rpc, String url, String job) {
            var response = rpc.exchange(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/zstack/api/result/" + job)).GET());
            JsonNode envelope = RpcClient.parse(response.body());
            JsonNode result = RpcClient.parse(envelope.get("result").asText());
            String replyClass = result.fieldNames().next();
            return new RpcClient.Result(response.statusCode(), envelope, replyClass, result.get(replyClass), 0);
        }

        private Answer answer(Supplier<RpcClient.Result> send) {
            RpcClient.Result r;
            try {
                r = send.get();
            } catch (AssertionError notJson) {
                throw new IllegalStateException(notJson.getMessage());
            }
            boolean failed = r.reply() != null && !r.success();
            String code = failed && r.error().hasNonNull("code") ? r.error().get("code").asText() : null;
            return new Answer(r.status(), r.envelope().toString(), failed, code);
        }

        @Override
        public String notARefusal(Answer answer) {
            if (answer.status() != 200 && answer.status() != 400 && answer.status() != 404 && answer.status() != 415) {
                return "HTTP " + answer.status() + " (the envelope answers 200, 400/415 for a body that is not one, 404 for no job)";
            }
            if (!answer.failed()) {
                return "HTTP " + answer.status() + " without a failed result";
            }
            return answer.errorCode() == null ? "a failed result without an error code" : null;
        }

        @Override
        public String toString() {
            return name();
        }
    };

    /**
     * {@code /zstack/v1/...} as the SDK calls each API: POST bodies under {@code "params"}, PUT actions under the
     * action's key, GET and DELETE parameters in the query string, {@code Authorization: OAuth}; queries with the same
     * hostile {@code q=} as our {@code /v1}. A refusal is a 4xx with {@code {"error": {code, ...}}}.
     */
    public static final HostileProtocol REST_V1 = new HostileProtocol() {
        @Override
        public String name() {
            return "/zstack/v1/...";
        }

        @Override
        public List<Case> cases(TestNode node, ApiClient client, ApiDefinition api) {
            ZStackApi z = ZStackApis.of(node.node().catalogue()).byApiName(api.name()).orElseThrow();
            List<Case> cases = new ArrayList<>();
            if (z.restMethod() == null) {
                return cases;
            }
            RestV1Client rest = new RestV1Client(node.url());
            rest.useSession(client.session());
            RestV1Client stranger = new RestV1Client(node.url());
            String method = z.restMethod();
            String path = fill(z.restPaths().get(0));
            String label = api.name() + " " + method + " /zstack/v1" + z.restPaths().get(0) + " ";
            if (z.isQuery()) {
                HostileRequests.queryStrings().forEach((what, query) -> cases.add(new Case(label + what,
                        () -> answer(() -> rest.send("GET", path + "?" + query, null, null, true)))));
                // a NUL in a path is refused by Jetty itself (its own 400 page), before any route
                cases.add(new Case(label + "bidi uuid", () -> answer(() -> rest.send("GET", path + "/a%E2%80%AEb", null, null, true))));
                cases.add(new Case(label + "no session", () -> answer(() -> stranger.send("GET", path, null, null, false))));
                return cases;
            }
            boolean bodied = method.equals("POST") || method.equals("PUT");
            for (HostileRequests.Body body : HostileRequests.forApi(api)) {
                if (bodied) {
                    String key = method.equals("PUT") ? z.actionName() : "params";
                    String wrapped = "{\"" + key + "\":" + body.json() + "}";
                    cases.add(new Case(label + body.label(), () -> answer(() -> rest.send(method, path, wrapped,
                            body.contentType(), null, true))));
                } else {
                    String query = asQueryString(body.json());
                    if (query != null) {
                        cases.add(new Case(label + body.label(), () -> answer(() -> rest.send(method, path + "?" + query,
                                null, null, true))));
                    }
                }
            }
            cases.add(new Case(label + "nested, no session", () -> answer(() -> stranger.send(method, path,
                    bodied ? "{\"params\":" + HostileRequests.nested(5000) + "}" : null, null, false))));
            if (api.name().equals("LogInByAccount")) {
                // a job that is no job, once (every catalogue has a login)
                cases.add(new Case("REST v1 api-jobs of a bidi job name", () -> answer(() -> rest.send("GET",
                        "/api-jobs/a%E2%80%AEb" + "x".repeat(5000), null, null, true))));
            }
            cases.add(new Case(label + "bad job uuid", () -> answer(() -> rest.send(method, path,
                    bodied ? "{\"params\":{}}" : null, "not-a-uuid-" + "x".repeat(100), true))));
            return cases;
        }

        private Answer answer(Supplier<RestV1Client.Reply> send) {
            RestV1Client.Reply r;
            try {
                r = send.get();
            } catch (AssertionError notJson) {
                throw new IllegalStateException(notJson.getMessage());
            }
            JsonNode error = r.body().path("error");
            String code = error.hasNonNull("code") ? error.get("code").asText() : null;
            return new Answer(r.status(), r.body().toString(), code != null, code);
        }

        @Override
        public String notARefusal(Answer answer) {
            return HostileProtocol.notA4xxWithACode(answer);
        }

        @Override
        public String toString() {
            return name();
        }
    };

    /**
     * The body's members as {@code name=value} pairs (values as text, as the SDK sends them; a member given twice
     * is sent twice); null if the body is no object with members, or too long for a request line.
     */
    private static String asQueryString(String json) {
        List<String> pairs = new ArrayList<>();
        try (JsonParser parser = LENIENT.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                JsonNode value = LENIENT.readTree(parser);
                String text = value.isTextual() ? value.asText() : LENIENT.writeValueAsString(value);
                pairs.add(HostileProtocol.urlEncoded(name) + "=" + HostileProtocol.urlEncoded(text));
            }
        } catch (Exception notAnObjectOrTooDeep) {
            return null; // not JSON, or nested far past what a query string could carry anyway
        }
        String query = String.join("&", pairs);
        return pairs.isEmpty() || query.length() > MAX_QUERY ? null : query;
    }

    /** The path with every variable a well-formed uuid that names nothing. */
    private static String fill(String template) {
        Matcher m = VAR.matcher(template);
        return m.replaceAll(Infra.MISSING);
    }

    /** The JSON text of a body with {@code "session": {"uuid": S}} added, when the body is an object. */
    private static String withSession(String json, String session) {
        String trimmed = json.trim();
        if (!trimmed.startsWith("{")) {
            return json;
        }
        String rest = trimmed.substring(1);
        return "{\"session\":{\"uuid\":\"" + session + "\"}" + (rest.trim().startsWith("}") ? "" : ",") + rest;
    }
}
