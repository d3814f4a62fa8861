package io.vrouter.server.zstack;

import io.vrouter.client.ApiReply;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ZStack's own clients against the node: the seed chapter through the RPC envelope and through REST v1, the shapes
 * of their replies field by field (reference §8), and bad input on both, which is refused with ZStack's error
 * shapes and writes nothing.
 */
abstract class ZStackWireContract extends NodeContract {
    /** Gson's default date form, e.g. {@code Dec 2, 2015 5:54:12 PM}. */
    static final String ZSTACK_DATE = "[A-Z][a-z]{2} \\d{1,2}, \\d{4} \\d{1,2}:\\d{2}:\\d{2} [AP]M";

    private RpcClient rpc() {
        return new RpcClient(node.url());
    }

    private RestV1Client rest() {
        return new RestV1Client(node.url());
    }

    // ---------------------------------------------------------------- the seed walk

    @Test
    void zstackCliWalksTheSeedChapterThroughTheRpcEnvelope() {
        new SeedWalk(rpc(), 71).run(TestNode.ADMIN_PASSWORD);
    }

    @Test
    void theSdkWalksTheSeedChapterThroughRestV1() {
        new SeedWalk(rest(), 72).run(TestNode.ADMIN_PASSWORD);
    }

    // ---------------------------------------------------------------- RPC envelope shapes

    @Test
    void rpcLoginTakesTheSha512AndRepliesAsZStack() {
        RpcClient zs = rpc();
        RpcClient.Result r = zs.send("org.zstack.header.identity.APILogInByAccountMsg",
                Map.of("accountName", "admin", "password", ZStackClient.sha512(TestNode.ADMIN_PASSWORD)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.envelope().get("uuid").asText()).matches("[0-9a-f]{32}");
        assertThat(r.envelope().get("state").asText()).isEqualTo("Done");
        assertThat(r.envelope().get("createdDate").asText()).matches(ZSTACK_DATE);
        assertThat(r.envelope().get("finishedDate").asText()).matches(ZSTACK_DATE);
        assertThat(r.envelope().get("result").isTextual()).isTrue();
        assertThat(r.replyClass()).isEqualTo("org.zstack.header.identity.APILogInReply");
        assertThat(r.reply().get("success").asBoolean()).isTrue();
        JsonNode session = r.reply().get("inventory");
        assertThat(session.get("uuid").asText()).matches("[0-9a-f]{32}");
        assertThat(session.get("accountUuid").asText()).matches("[0-9a-f]{32}");
        assertThat(session.get("expiredDate").asText()).matches(ZSTACK_DATE);
        assertThat(session.get("createDate").asText()).matches(ZSTACK_DATE);
        assertThat(session.has("userUuid")).as("null fields are left out").isFalse();
        assertNoNulls(RpcClient.parse(r.envelope().get("result").asText()));
    }

    @Test
    void rpcAsyncCallThatFinishesQuicklyIsDoneInTheFirstReply() {
        RpcClient zs = rpc();
        zs.logIn("admin", TestNode.ADMIN_PASSWORD);
        Map<String, Object> params = Map.of("name", "quick-zone", "description", "a fast call");
        RpcClient.Result r = zs.send(RpcClient.CLASSES.get("CreateZone"), params);
        assertThat(r.polls()).as("a call done within the first reply's wait is never polled").isZero();
        assertThat(r.replyClass()).isEqualTo("org.zstack.header.zone.APICreateZoneEvent");
        JsonNode zone = r.reply().get("inventory");
        assertThat(zone.get("name").asText()).isEqualTo("quick-zone");
        assertThat(zone.get("createDate").asText()).matches(ZSTACK_DATE);
        assertThat(zone.get("lastOpDate").asText()).matches(ZSTACK_DATE);
        assertNoNulls(zone);
        // the result stays readable at /zstack/api/result/{uuid}
        HttpResponse<String> again = zs.exchange(HttpRequest.newBuilder(URI.create(node.url() + "/zstack/api/result/"
                + r.envelope().get("uuid").asText())).GET());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(RpcClient.parse(again.body()).get("result").asText()).isEqualTo(r.envelope().get("result").asText());

        RpcClient.Result query = zs.send(RpcClient.CLASSES.get("QueryZone"), Map.of("conditions",
                List.of(Map.of("name", "name", "op", "=", "value", "quick-zone"))));
        assertThat(query.replyClass()).isEqualTo("org.zstack.header.zone.APIQueryZoneReply");
        assertThat(query.reply().get("inventories").get(0).get("uuid").asText()).isEqualTo(zone.get("uuid").asText());
    }

    @Test
    void rpcRefusesBadInputWithZStacksErrorShapeAndWritesNothing() {
        RpcClient zs = rpc();
        zs.logIn("admin", TestNode.ADMIN_PASSWORD);
        long zonesBefore = admin.ok("QueryZone", Map.of("count", true)).get("total").asLong();

        RpcClient.Result notJson = zs.sendRaw("{\"org.zstack.header.zone.APICreateZoneMsg\": {");
        assertThat(notJson.status()).isEqualTo(400);
        assertRpcError(notJson, "SYS.1007", "not valid JSON");

        RpcClient.Result twoKeys = zs.sendRaw("{\"a.APICreateZoneMsg\": {}, \"b\": {}}");
        assertThat(twoKeys.status()).isEqualTo(400);
        assertRpcError(twoKeys, "SYS.1007", "one JSON object");

        RpcClient.Result notObject = zs.sendRaw("[1, 2]");
        assertThat(notObject.status()).isEqualTo(400);

        // zstack-cli sends application/json; a form or text/plain body (what a page may post cross-site) is refused
        String createZone = "{\"org.zstack.header.zone.APICreateZoneMsg\": {\"name\": \"z\", \"session\": {\"uuid\": \""
                + zs.session() + "\"}}}";
        RpcClient.Result textPlain = zs.sendRaw(createZone, "text/plain");
        assertThat(textPlain.status()).isEqualTo(415);
        assertRpcError(textPlain, "SYS.1007", "Content-Type: application/json");
        assertThat(zs.sendRaw(createZone, null).status()).isEqualTo(415);

        RpcClient.Result unknown = zs.send("org.zstack.header.zone.APIMakeZoneMsg", Map.of("name", "x"));
        assertThat(unknown.status()).isEqualTo(400);
        assertRpcError(unknown, "SYS.1007", "no API message org.zstack.header.zone.APIMakeZoneMsg");

        RpcClient.Result wrongType = zs.send(RpcClient.CLASSES.get("CreateInstanceOffering"),
                Map.of("name", "o", "cpuNum", "one", "memorySize", "1073741824"));
        assertThat(wrongType.status()).isEqualTo(200);
        assertThat(wrongType.replyClass()).isEqualTo("org.zstack.header.configuration.APICreateInstanceOfferingEvent");
        assertRpcError(wrongType, "SYS.1007", "parameter cpuNum: expected a whole number, got \"one\"");

        RpcClient.Result badSessionShape = zs.sendRaw("{\"org.zstack.header.zone.APICreateZoneMsg\": {\"name\": \"z\", \"session\": \"abc\"}}");
        assertRpcError(badSessionShape, "SYS.1007", "session must be");

        RpcClient anonymous = rpc();
        RpcClient.Result noSession = anonymous.send(RpcClient.CLASSES.get("CreateZone"), Map.of("name", "no-session"));
        assertThat(noSession.status()).isEqualTo(200);
        assertRpcError(noSession, "ID.1001", "no session");
        assertThat(noSession.error().get("description").asText()).isEqualTo("Session expired");

        anonymous.useSession("0123456789abcdef0123456789abcdef");
        assertRpcError(anonymous.send(RpcClient.CLASSES.get("CreateZone"), Map.of("name", "dead-session")), "ID.1001", "does not exist");

        RpcClient expiring = rpc();
        expiring.logIn("admin", TestNode.ADMIN_PASSWORD);
        node.clock().advance(Duration.ofHours(3));
        try {
            RpcClient.Result expired = expiring.send(RpcClient.CLASSES.get("CreateZone"), Map.of("name", "expired"));
            assertRpcError(expired, "ID.1001", "expired");
            assertThat(expired.error().get("description").asText()).isEqualTo("Session expired");
        } finally {
            node.clock().advance(Duration.ofHours(-3));
        }

        RpcClient.Result wrongPassword = rpc().send(RpcClient.CLASSES.get("LogInByAccount"),
                Map.of("accountName", "admin", "password", ZStackClient.sha512("not the password")));
        assertRpcError(wrongPassword, "ID.1001", "wrong account name or password");

        RpcClient.Result unknownJob = zs.sendRaw("{}");
        assertThat(unknownJob.status()).isEqualTo(400);
        HttpResponse<String> noJob = zs.exchange(HttpRequest.newBuilder(URI.create(node.url() + "/zstack/api/result/"
                + "0123456789abcdef0123456789abcdef")).GET());
        assertThat(noJob.statusCode()).isEqualTo(404);
        assertThat(RpcClient.parse(noJob.body()).get("state").asText()).isEqualTo("Done");

        assertThat(admin.ok("QueryZone", Map.of("count", true)).get("total").asLong()).isEqualTo(zonesBefore);
    }

    // ---------------------------------------------------------------- REST v1 shapes

    @Test
    void restAsyncCallAnswers202WithTheClientsJobUuidAndTheJobCarriesTheResult() {
        RestV1Client zs = rest();
        zs.logIn("admin", TestNode.ADMIN_PASSWORD);
        String job = "fedcba9876543210fedcba9876543210";
        RestV1Client.Reply raw = rawRest("POST", "/zones", "{\"params\": {\"name\": \"rest-zone\"}}", zs.session(), job);
        assertThat(raw.status()).isEqualTo(202);
        assertThat(raw.body().get("location").asText()).isEqualTo(node.url() + "/zstack/v1/api-jobs/" + job);
        RestV1Client.Reply result = rawRest("GET", "/api-jobs/" + job, null, zs.session(), null);
        assertThat(result.status()).as("the job finished within the first reply's wait").isEqualTo(200);
        JsonNode zone = result.body().get("inventory");
        assertThat(zone.get("name").asText()).isEqualTo("rest-zone");
        assertThat(zone.get("createDate").asText()).matches(ZSTACK_DATE);
        assertNoNulls(result.body());

        // a retry with the same X-Job-UUID is the same job: the zone is created once
        RestV1Client.Reply retry = rawRest("POST", "/zones", "{\"params\": {\"name\": \"rest-zone\"}}", zs.session(), job);
        assertThat(retry.status()).isEqualTo(202);
        assertThat(admin.ok("QueryZone", Map.of("conditions", List.of(Map.of("name", "name", "op", "=", "value", "rest-zone")),
                "count", true)).get("total").asLong()).isEqualTo(1);

        // actions, GET by uuid, deletes
        JsonNode updated = zs.call("UpdateZone", Map.of("uuid", zone.get("uuid").asText(), "description", "changed"));
        assertThat(zs.lastPolls).isZero();
        assertThat(updated.get("inventory").get("description").asText()).isEqualTo("changed");
        RestV1Client.Reply byUuid = rawRest("GET", "/zones/" + zone.get("uuid").asText(), null, zs.session(), null);
        assertThat(byUuid.status()).isEqualTo(200);
        assertThat(byUuid.body().get("inventories").get(0).get("description").asText()).isEqualTo("changed");
        RestV1Client.Reply deleted = rawRest("DELETE", "/zones/" + zone.get("uuid").asText() + "?deleteMode=Permissive", null, zs.session(), null);
        assertThat(deleted.status()).isEqualTo(202);
        assertThat(admin.ok("QueryZone", Map.of("conditions", List.of(Map.of("name", "uuid", "op", "=", "value", zone.get("uuid").asText())),
                "count", true)).get("total").asLong()).isZero();
    }

    @Test
    void restV1ListsTheRouteOfEveryApiForClientsThatBuildCallsFromIt() {
        RestV1Client.Reply table = rawRest("GET", "/api-routes", null, null, null);
        assertThat(table.status()).isEqualTo(200);
        Map<String, JsonNode> byApi = new java.util.HashMap<>();
        table.body().get("routes").forEach(r -> byApi.put(r.get("apiName").asText(), r));
        assertThat(byApi.get("CreateZone").get("method").asText()).isEqualTo("POST");
        assertThat(byApi.get("CreateZone").get("path").asText()).isEqualTo("/zones");
        assertThat(byApi.get("CreateZone").get("sync").asBoolean()).isFalse();
        assertThat(byApi.get("StopVmInstance").get("path").asText()).isEqualTo("/vm-instances/{uuid}/actions");
        assertThat(byApi.get("QueryZone").get("sync").asBoolean()).isTrue();
        for (Map.Entry<String, String> route : RestV1Client.ROUTES.entrySet()) {
            assertThat(byApi.get(route.getKey()).get("method").asText() + " " + byApi.get(route.getKey()).get("path").asText())
                    .as("the SDK's route of %s", route.getKey()).isEqualTo(route.getValue());
        }
    }

    @Test
    void restRefusesBadInputWith4xxAndZStacksErrorAndWritesNothing() {
        RestV1Client zs = rest();
        zs.logIn("admin", TestNode.ADMIN_PASSWORD);
        long zonesBefore = admin.ok("QueryZone", Map.of("count", true)).get("total").asLong();
        String s = zs.session();

        assertRestError(rawRest("POST", "/zones", "{\"params\": {\"name\": \"z\"}}", null, null), 401, "ID.1001", "no session");
        assertRestError(rawRest("POST", "/zones", "{\"params\": {\"name\": \"z\"}}", "0123456789abcdef0123456789abcdef", null),
                401, "ID.1001", "does not exist");
        assertRestError(rawRest("POST", "/zones", "{\"params\": ", s, null), 400, "SYS.1007", "not valid JSON");
        // what a browser may send cross-site without asking is not taken as JSON (as on our /v1)
        assertRestError(rawRest("POST", "/zones", "{\"params\": {\"name\": \"z\"}}", "text/plain", s, null), 415, "SYS.1007",
                "Content-Type: application/json");
        assertRestError(rawRest("POST", "/zones", "{\"params\": {\"name\": \"z\"}}", null, s, null), 415, "SYS.1007",
                "no Content-Type");
        assertRestError(rawRest("POST", "/zones", "[]", s, null), 400, "SYS.1007", "must be a JSON object");
        assertRestError(rawRest("POST", "/zones", "{\"params\": 5}", s, null), 400, "SYS.1007", "must be a JSON object");
        assertRestError(rawRest("POST", "/zones", "{\"parms\": {\"name\": \"z\"}}", s, null), 400, "SYS.1007", "unexpected key \"parms\"");
        assertRestError(rawRest("POST", "/zones", "{\"params\": {}}", s, null), 400, "SYS.1007", "missing required parameter name of CreateZone");
        assertRestError(rawRest("POST", "/instance-offerings", "{\"params\": {\"name\": \"o\", \"cpuNum\": \"x\", \"memorySize\": 1073741824}}", s, null),
                400, "SYS.1007", "parameter cpuNum: expected a whole number");
        assertRestError(rawRest("POST", "/zones", "{\"params\": {\"name\": \"z\"}}", s, "not-a-uuid"), 400, "SYS.1007", "X-Job-UUID");
        assertRestError(rawRest("GET", "/no-such-things", null, s, null), 404, "SYS.1003", "no API at GET /v1/no-such-things");
        assertRestError(rawRest("PATCH", "/zones", "{}", s, null), 404, "SYS.1003", null);
        assertRestError(rawRest("PUT", "/zones", "{}", s, null), 405, "SYS.1007", "PUT is not served at /zstack/v1/zones");
        assertRestError(rawRest("PUT", "/vm-instances/0123456789abcdef0123456789abcdef/actions", "{\"fly\": {}}", s, null),
                400, "SYS.1007", "one of the actions");
        assertRestError(rawRest("GET", "/zones?q=name", null, s, null), 400, "SYS.1007", "q=name is not a condition");
        assertRestError(rawRest("GET", "/api-jobs/0123456789abcdef0123456789abcdef", null, s, null), 404, "SYS.1003", "no API job");
        // an operation that fails after it was accepted: the job answers 503 with the error, as the SDK reads it
        RestV1Client.Reply accepted = rawRest("DELETE", "/zones/0123456789abcdef0123456789abcdef", null, s, null);
        assertThat(accepted.status()).isEqualTo(202);
        RestV1Client.Reply failed = rawRest("GET", URI.create(accepted.body().get("location").asText()).getPath()
                .substring("/zstack/v1".length()), null, s, null);
        assertRestError(failed, 503, "SYS.1003", "0123456789abcdef0123456789abcdef");

        assertThat(admin.ok("QueryZone", Map.of("count", true)).get("total").asLong()).isEqualTo(zonesBefore);
    }

    // ---------------------------------------------------------------- login forms

    @Test
    void everyProtocolTakesTheTypedPasswordOrItsSha512() {
        // our own API and CLI: what the user typed, or the digest
        admin.logIn(TestNode.ADMIN_PASSWORD);
        admin.logIn(ZStackClient.sha512(TestNode.ADMIN_PASSWORD));
        // ZStack's clients send the digest; a typed password works there too
        rpc().logIn("admin", TestNode.ADMIN_PASSWORD);
        RpcClient typed = rpc();
        typed.call("LogInByAccount", Map.of("accountName", "admin", "password", TestNode.ADMIN_PASSWORD));
        rest().logIn("admin", TestNode.ADMIN_PASSWORD);
        ApiReply wrong = node.client().call("LogInByAccount", Map.of("accountName", "admin",
                "password", ZStackClient.sha512("wrong")));
        assertThat(wrong.status()).isEqualTo(401);
    }

    @Test
    void logOutEndsTheSessionForEveryProtocol() {
        RestV1Client zs = rest();
        zs.logIn("admin", TestNode.ADMIN_PASSWORD);
        String session = zs.session();
        zs.logOut();
        zs.useSession(session);
        assertThatThrownBy(() -> zs.call("CreateZone", Map.of("name", "after-logout")))
                .isInstanceOfSatisfying(ZStackClient.ZStackError.class, e -> {
                    assertThat(e.code).isEqualTo("ID.1001");
                    assertThat(e.description).isEqualTo("Session expired");
                });
        RpcClient r = rpc();
        r.useSession(session);
        assertThatThrownBy(() -> r.call("QueryZone", Map.of())).isInstanceOf(ZStackClient.ZStackError.class)
                .hasMessageContaining("ID.1001");
    }

    // ---------------------------------------------------------------- helpers

    /** A request as the SDK sends it: a body is JSON with its Content-Type. */
    private RestV1Client.Reply rawRest(String method, String path, String body, String session, String job) {
        return rawRest(method, path, body, body == null ? null : "application/json", session, job);
    }

    private RestV1Client.Reply rawRest(String method, String path, String body, String contentType, String session, String job) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url() + "/zstack/v1" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (session != null) {
            b.header("Authorization", "OAuth " + session);
        }
        if (job != null) {
            b.header("X-Job-UUID", job);
        }
        HttpResponse<String> r = rpc().exchange(b);
        return new RestV1Client.Reply(r.statusCode(), r.body().isEmpty() ? null : RpcClient.parse(r.body()), 0);
    }

    private static void assertRestError(RestV1Client.Reply reply, int status, String code, String detailsPart) {
        assertThat(reply.status()).as("status of %s", reply.body()).isEqualTo(status);
        JsonNode error = reply.body().get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("description").asText()).isNotEmpty();
        if (detailsPart != null) {
            assertThat(error.get("details").asText()).contains(detailsPart);
        }
        assertThat(reply.body().size()).as("only the error").isEqualTo(1);
    }

    private static void assertRpcError(RpcClient.Result r, String code, String detailsPart) {
        assertThat(r.envelope().get("state").asText()).isEqualTo("Done");
        assertThat(r.reply().get("success").asBoolean()).isFalse();
        assertThat(r.error().get("code").asText()).isEqualTo(code);
        assertThat(r.error().get("details").asText()).contains(detailsPart);
    }

    static void assertNoNulls(JsonNode node) {
        assertThat(node.isNull()).as("a JSON null").isFalse();
        if (node.isContainerNode()) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                assertNoNulls(it.next());
            }
        }
    }
}
