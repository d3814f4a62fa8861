package io.vrouter.server.http;

import io.vrouter.server.api.ApiDefinition;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.TestNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One way of calling the node's APIs, for {@link HostileInputContract}: it turns the catalogue's APIs and
 * {@link HostileRequests}' bodies into requests of its own form, and says how a refusal reads in that form (our
 * {@code /v1} and ZStack's REST answer a 4xx with an error code; ZStack's RPC envelope answers a failed result with
 * an error code inside). Another protocol joins the test by implementing this and adding itself to the contract's list.
 */
public interface HostileProtocol {
    String name();

    /** The hostile requests this protocol can make of {@code api} (none when it does not serve it). */
    List<Case> cases(TestNode node, ApiClient client, ApiDefinition api);

    /** Why {@code answer} is not a clean refusal in this protocol's terms; null when it is one. */
    String notARefusal(Answer answer);

    /** One request: what it tries, and how to send it. */
    record Case(String label, Supplier<Answer> send) {
    }

    /**
     * What came back: the HTTP status, the body as received, whether the protocol reads it as failed, and the
     * error code where the protocol carries one (null when there is none).
     */
    record Answer(int status, String body, boolean failed, String errorCode) {
        /** An answer of our own {@code /v1}: failed when it carries the error envelope. */
        public static Answer of(ApiReply reply) {
            return new Answer(reply.status(), reply.body().toString(), reply.errorCode() != null, reply.errorCode());
        }
    }

    /** The reading of our {@code /v1} and of ZStack's REST: a 4xx with an error code. */
    static String notA4xxWithACode(Answer a) {
        if (a.status() < 400 || a.status() > 499) {
            return "HTTP " + a.status();
        }
        return a.errorCode() == null ? "HTTP " + a.status() + " without an error code" : null;
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
                        () -> Answer.of(client.post("/v1/api/" + api.name(), body.json(), body.contentType()))));
            }
            // and without a session: still a 4xx, whichever check comes first
            ApiClient stranger = node.client();
            cases.add(new Case(api.name() + " nested, no session",
                    () -> Answer.of(stranger.post("/v1/api/" + api.name(), HostileRequests.nested(5000)))));
            return cases;
        }

        @Override
        public String notARefusal(Answer answer) {
            return notA4xxWithACode(answer);
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
                HostileRequests.queryStrings().forEach((label, query) -> cases.add(new Case(api.name() + " REST " + label,
                        () -> Answer.of(client.get(path + "?" + query)))));
                cases.add(new Case(api.name() + " REST bad uuid", () -> Answer.of(client.get(path + "/" + "z".repeat(32)))));
            }
            return cases;
        }

        @Override
        public String notARefusal(Answer answer) {
            return notA4xxWithACode(answer);
        }

        @Override
        public String toString() {
            return name();
        }
    };

    static String urlEncoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
