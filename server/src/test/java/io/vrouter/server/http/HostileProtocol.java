package io.vrouter.server.http;

import io.vrouter.server.api.ApiDefinition;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.TestNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One way of calling the node's APIs, for {@link HostileInputContract}: it turns the catalogue's APIs and
 * {@link HostileRequests}' bodies into requests of its own form. Another protocol (an RPC envelope, another REST
 * form) joins the test by implementing this and adding itself to the contract's list.
 */
interface HostileProtocol {
    String name();

    /** The hostile requests this protocol can make of {@code api} (none when it does not serve it). */
    List<Case> cases(TestNode node, ApiClient client, ApiDefinition api);

    /** One request: what it tries, and how to send it. */
    record Case(String label, Supplier<ApiReply> send) {
    }

    /** {@code POST /v1/api/{name}} with the body as is. */
    HostileProtocol V1_API = new HostileProtocol() {
        @Override
        public String name() {
            return "POST /v1/api";
        }

        @Override
        public List<Case> cases(TestNode node, ApiClient client, ApiDefinition api) {
            List<Case> cases = new ArrayList<>();
            for (HostileRequests.Body body : HostileRequests.forApi(api)) {
                cases.add(new Case(api.name() + " " + body.label(),
                        () -> client.post("/v1/api/" + api.name(), body.json(), body.contentType())));
            }
            // and without a session: still a 4xx, whichever check comes first
            ApiClient stranger = node.client();
            cases.add(new Case(api.name() + " nested, no session",
                    () -> stranger.post("/v1/api/" + api.name(), HostileRequests.nested(5000))));
            return cases;
        }

        @Override
        public String toString() {
            return name();
        }
    };

    /** ZStack's REST queries, {@code GET /v1/{collection}?q=...}: the same hostile conditions as query strings. */
    HostileProtocol REST_QUERY = new HostileProtocol() {
        @Override
        public String name() {
            return "GET /v1/{collection}";
        }

        @Override
        public List<Case> cases(TestNode node, ApiClient client, ApiDefinition api) {
            List<Case> cases = new ArrayList<>();
            for (Map.Entry<String, String> e : node.node().queries().restPaths().entrySet()) {
                if (!e.getValue().equals(api.name())) {
                    continue;
                }
                String path = "/v1/" + e.getKey();
                Map<String, String> queries = Map.ofEntries(
                        Map.entry("looping relations", "q=" + enc("vmNics.vmInstance.".repeat(100) + "uuid=x")),
                        // longer lists do not fit in a URL (Jetty answers 414 before the node sees them)
                        Map.entry("in-list of 1,001", "q=" + enc("uuid?=" + String.join(",", Collections.nCopies(1001, "x")))),
                        Map.entry("NUL value", "q=" + enc("uuid=a\u0000")),
                        Map.entry("bidi field", "q=" + enc("na\u202Eme=x")),
                        Map.entry("no operator", "q=" + enc("uuid")),
                        Map.entry("unknown field", "q=" + enc("noSuchField=x")),
                        Map.entry("bad limit", "limit=" + enc("\u0661\u0662")),
                        Map.entry("negative start", "start=-1"),
                        Map.entry("bad sort", "sort=" + enc("-" + "x".repeat(5000))),
                        Map.entry("bad fields", "fields=" + enc("a\u0000")));
                queries.forEach((label, query) -> cases.add(new Case(api.name() + " REST " + label,
                        () -> client.get(path + "?" + query))));
                cases.add(new Case(api.name() + " REST bad uuid", () -> client.get(path + "/" + "z".repeat(32))));
            }
            return cases;
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return name();
        }
    };
}
