package io.vrouter.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The foundation's API, driven over HTTP against a node in this JVM: sessions, the error classes, global
 * configurations, tags, REST queries, OpenAPI, metrics, restart. Runs once per database (see the subclasses).
 */
abstract class FoundationApiContract extends NodeContract {

    private String accountUuid() {
        return admin.call("LogInByAccount", Map.of("accountName", "admin", "password", TestNode.ADMIN_PASSWORD))
                .inventory().get("accountUuid").asText();
    }

    private long tagCount() {
        return admin.ok("QueryUserTag", Map.of("count", true)).get("total").asLong()
                + admin.ok("QuerySystemTag", Map.of("count", true)).get("total").asLong();
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void loginReturnsASessionThatAuthorisesLaterCalls() {
        ApiClient c = node.client();
        ApiReply login = c.call("LogInByAccount", Map.of("accountName", "admin", "password", TestNode.ADMIN_PASSWORD));
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.inventory().get("uuid").asText()).matches("[0-9a-f]{32}");
        c.useSession(login.inventory().get("uuid").asText());
        assertThat(c.call("QueryGlobalConfig", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void wrongPasswordIsRefusedWithoutSayingWhichPartWasWrong() {
        ApiReply r = node.client().call("LogInByAccount", Map.of("accountName", "admin", "password", "nope"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("ID.1001");
        assertThat(r.errorDetails()).isEqualTo("wrong account name or password");
        ApiReply unknown = node.client().call("LogInByAccount", Map.of("accountName", "nobody", "password", "nope"));
        assertThat(unknown.errorDetails()).isEqualTo("wrong account name or password");
    }

    @Test
    void callsWithoutOrWithABadSessionAreRefused() {
        ApiReply none = node.client().call("QueryGlobalConfig", Map.of());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.errorDetails()).contains("no session");
        ApiClient bogus = node.client();
        bogus.useSession("0123456789abcdef0123456789abcdef");
        ApiReply r = bogus.call("QueryGlobalConfig", Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorDetails()).contains("does not exist");
    }

    @Test
    void sessionExpiresAfterTheConfiguredTimeout() {
        ApiClient c = node.client().logIn(TestNode.ADMIN_PASSWORD);
        long timeout = admin.ok("QueryGlobalConfig", Map.of("conditions", List.of(
                        Map.of("name", "name", "op", "=", "value", "session.timeout"))))
                .get("inventories").get(0).get("value").asLong();
        node.clock().advance(Duration.ofSeconds(timeout + 1));
        ApiReply r = c.call("QueryGlobalConfig", Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorDetails()).contains("expired");
    }

    @Test
    void logOutEndsTheSession() {
        ApiClient c = node.client().logIn(TestNode.ADMIN_PASSWORD);
        assertThat(c.call("LogOut", Map.of()).status()).isEqualTo(200);
        assertThat(c.call("QueryGlobalConfig", Map.of()).status()).isEqualTo(401);
    }

    // ---------------------------------------------------------------- error classes

    @Test
    void unknownApiNamesTheCloseOnes() {
        ApiReply r = admin.call("QueryGlobalConfg", Map.of());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("SYS.1007");
        assertThat(r.errorDetails()).contains("no API named 'QueryGlobalConfg'").contains("QueryGlobalConfig");
    }

    @Test
    void missingUnknownAndMistypedParametersAreNamed() {
        ApiReply missing = admin.call("UpdateGlobalConfig", Map.of("category", "identity", "name", "session.timeout"));
        assertThat(missing.errorCode()).isEqualTo("SYS.1007");
        assertThat(missing.errorDetails()).isEqualTo("missing required parameter value of UpdateGlobalConfig");

        ApiReply unknown = admin.call("UpdateGlobalConfig", Map.of("category", "identity", "name", "session.timeout", "valu", "5"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorDetails()).contains("has no parameter valu").contains("did you mean value?");

        ApiReply wrongType = admin.call("QueryGlobalConfig", Map.of("limit", "ten"));
        assertThat(wrongType.errorDetails()).isEqualTo("parameter limit: expected a whole number, got \"ten\"");

        ApiReply outOfRange = admin.call("QueryGlobalConfig", Map.of("limit", -1));
        assertThat(outOfRange.errorDetails()).isEqualTo("parameter limit: -1 is out of range 0..1000000");

        ApiReply badChoice = admin.call("QueryGlobalConfig", Map.of("sortDirection", "up"));
        assertThat(badChoice.errorDetails()).isEqualTo("parameter sortDirection: 'up' is not one of [asc, desc]");
    }

    @Test
    void badUuidIsRefusedAndNothingIsWritten() {
        long before = tagCount();
        ApiReply r = admin.call("CreateUserTag", Map.of("resourceType", "AccountVO", "resourceUuid", "not-a-uuid", "tag", "x"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorDetails()).isEqualTo("parameter resourceUuid: 'not-a-uuid' is not a uuid (32 lower-case hex digits)");
        assertThat(tagCount()).isEqualTo(before);
    }

    @Test
    void malformedJsonAndNonObjectBodiesAreInvalidArguments() {
        ApiReply bad = admin.post("/v1/api/QueryGlobalConfig", "{bad");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("SYS.1007");
        assertThat(bad.errorDetails()).startsWith("the request body is not valid JSON");
        ApiReply array = admin.post("/v1/api/QueryGlobalConfig", "[1,2]");
        assertThat(array.status()).isEqualTo(400);
        assertThat(array.errorDetails()).contains("must be a JSON object");
    }

    @Test
    void unknownRoutesAnswerWithTheErrorEnvelope() {
        ApiReply r = admin.get("/v2/nothing");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body().path("error").path("details").asText()).contains("no route GET /v2/nothing");
        ApiReply collection = admin.get("/v1/no-such-things");
        assertThat(collection.status()).isEqualTo(404);
        assertThat(collection.errorDetails()).contains("no resource collection /v1/no-such-things");
    }

    // ---------------------------------------------------------------- global configs

    @Test
    void theSeedsGlobalConfigsExistWithTheirDefaults() {
        JsonNode all = admin.ok("QueryGlobalConfig", Map.of()).get("inventories");
        assertThat(all).extracting(n -> n.get("category").asText() + "/" + n.get("name").asText() + "=" + n.get("defaultValue").asText())
                .contains("virtualRouter/agent.deployOnStart=false", "virtualRouter/command.parallelismDegree=100",
                        "applianceVm/connect.timeout=300", "applianceVm/agent.deployOnStart=false",
                        "identity/session.timeout=7200");
    }

    @Test
    void updateGlobalConfigValidatesAndPersists() {
        ApiReply bad = admin.call("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "command.parallelismDegree", "value", "0"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorDetails()).isEqualTo("global config virtualRouter/command.parallelismDegree: 0 is out of range 1..2147483647");
        ApiReply notBool = admin.call("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "agent.deployOnStart", "value", "yes"));
        assertThat(notBool.errorDetails()).isEqualTo("global config virtualRouter/agent.deployOnStart: 'yes' is not one of [true, false]");
        ApiReply unknown = admin.call("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "nothing", "value", "1"));
        assertThat(unknown.errorDetails()).startsWith("there is no global config virtualRouter/nothing");

        JsonNode updated = admin.ok("UpdateGlobalConfig", Map.of("category", "applianceVm", "name", "connect.timeout", "value", "120"));
        assertThat(updated.get("inventory").get("value").asText()).isEqualTo("120");
        assertThat(node.node().globalConfigs().intValue("applianceVm", "connect.timeout")).isEqualTo(120);

        node.restart();
        admin = node.admin();
        JsonNode after = admin.ok("QueryGlobalConfig", Map.of("conditions", List.of(
                Map.of("name", "category", "op", "=", "value", "applianceVm"),
                Map.of("name", "name", "op", "=", "value", "connect.timeout")))).get("inventories");
        assertThat(after).hasSize(1);
        assertThat(after.get(0).get("value").asText()).isEqualTo("120");
        admin.ok("UpdateGlobalConfig", Map.of("category", "applianceVm", "name", "connect.timeout", "value", "300"));
    }

    // ---------------------------------------------------------------- tags

    @Test
    void userTagsAreCreatedQueriedAndDeleted() {
        String account = accountUuid();
        JsonNode tag = admin.ok("CreateUserTag", Map.of("resourceType", "AccountVO", "resourceUuid", account, "tag", "team::network"))
                .get("inventory");
        assertThat(tag.get("type").asText()).isEqualTo("User");
        assertThat(tag.get("resourceUuid").asText()).isEqualTo(account);
        JsonNode found = admin.ok("QueryUserTag", Map.of("conditions", List.of(Map.of("name", "tag", "op", "like", "value", "team::%"))));
        assertThat(found.get("inventories")).extracting(n -> n.get("uuid").asText()).contains(tag.get("uuid").asText());
        assertThat(admin.ok("QuerySystemTag", Map.of("conditions", List.of(Map.of("name", "uuid", "op", "=", "value", tag.get("uuid").asText()))))
                .get("inventories")).isEmpty();

        ApiReply duplicate = admin.call("CreateUserTag", Map.of("resourceType", "AccountVO", "resourceUuid", account, "tag", "team::network"));
        assertThat(duplicate.status()).isEqualTo(409);

        admin.ok("DeleteTag", Map.of("uuid", tag.get("uuid").asText()));
        ApiReply again = admin.call("DeleteTag", Map.of("uuid", tag.get("uuid").asText()));
        assertThat(again.status()).isEqualTo(404);
    }

    @Test
    void tagsNeedAKnownTypeAndAnExistingResource() {
        long before = tagCount();
        ApiReply type = admin.call("CreateUserTag", Map.of("resourceType", "NoSuchVO", "resourceUuid", "0123456789abcdef0123456789abcdef", "tag", "x"));
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.errorDetails()).startsWith("resourceType 'NoSuchVO' is not one of [");
        ApiReply missing = admin.call("CreateUserTag", Map.of("resourceType", "AccountVO", "resourceUuid", "0123456789abcdef0123456789abcdef", "tag", "x"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorDetails()).isEqualTo("no AccountVO with uuid 0123456789abcdef0123456789abcdef");
        assertThat(tagCount()).isEqualTo(before);
    }

    @Test
    void systemTagsMustMatchARegisteredFormatForTheResourceType() {
        String account = accountUuid();
        long before = tagCount();
        ApiReply noFormat = admin.call("CreateSystemTag", Map.of("resourceType", "AccountVO", "resourceUuid", account, "tag", "whatever::1"));
        assertThat(noFormat.status()).isEqualTo(400);
        assertThat(noFormat.errorDetails()).startsWith("'whatever::1' matches no system tag format");
        ApiReply wrongType = admin.call("CreateSystemTag", Map.of("resourceType", "AccountVO", "resourceUuid", account, "tag", "commandsParallelismDegree::10"));
        assertThat(wrongType.errorDetails()).contains("can be put on").contains("not on AccountVO");
        assertThat(tagCount()).isEqualTo(before);
    }

    // ---------------------------------------------------------------- REST, OpenAPI, metrics

    @Test
    void restQueriesUseZstackConditionsSortingAndPaging() {
        ApiReply r = admin.get("/v1/global-configurations?q=category=virtualRouter&sort=-name");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.inventories()).extracting(n -> n.get("name").asText())
                .containsExactly("ping.interval", "ha.advertInterval", "command.parallelismDegree", "agent.deployOnStart");
        ApiReply like = admin.get("/v1/global-configurations?q=name~=deployOn&replyWithCount=true&limit=1");
        assertThat(like.body().get("total").asLong()).isEqualTo(2);
        assertThat(like.inventories()).hasSize(1);
        ApiReply in = admin.get("/v1/global-configurations?q=category?=identity,applianceVm&count=true");
        assertThat(in.body().get("total").asLong()).isEqualTo(3);
        ApiReply fields = admin.get("/v1/global-configurations?q=category=identity&fields=name,value");
        assertThat(fields.inventories().get(0).fieldNames()).toIterable().containsExactly("name", "value");
        ApiReply badField = admin.get("/v1/global-configurations?q=nosuch=1");
        assertThat(badField.status()).isEqualTo(400);
        assertThat(badField.errorDetails()).contains("unknown field 'nosuch'");
    }

    @Test
    void restGetByUuidFindsOneOr404() {
        String account = accountUuid();
        String uuid = admin.ok("CreateUserTag", Map.of("resourceType", "AccountVO", "resourceUuid", account, "tag", "rest-get"))
                .get("inventory").get("uuid").asText();
        ApiReply one = admin.get("/v1/user-tags/" + uuid);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.inventories()).hasSize(1);
        assertThat(admin.get("/v1/user-tags/0123456789abcdef0123456789abcdef").status()).isEqualTo(404);
    }

    @Test
    void openApiDescribesEveryApiWithItsParameters() {
        JsonNode doc = node.client().get("/v1/openapi.json").body();
        JsonNode update = doc.get("paths").get("/v1/api/UpdateGlobalConfig").get("post");
        assertThat(update.get("operationId").asText()).isEqualTo("UpdateGlobalConfig");
        JsonNode schema = update.get("requestBody").get("content").get("application/json").get("schema");
        assertThat(schema.get("required")).extracting(JsonNode::asText).containsExactly("category", "name", "value");
        JsonNode query = doc.get("paths").get("/v1/api/QuerySystemTag").get("post");
        assertThat(query.get("x-queryable-fields")).extracting(JsonNode::asText).contains("resourceUuid", "tag");
        assertThat(query.get("requestBody").get("content").get("application/json").get("schema").get("properties")
                .get("sortDirection").get("enum")).extracting(JsonNode::asText).containsExactly("asc", "desc");
    }

    @Test
    void metricsCountCallsByNameAndOutcome() {
        admin.call("QueryGlobalConfig", Map.of("limit", "x"));
        assertThat(rawMetrics()).contains("vrouter_api_calls_total{api=\"QueryGlobalConfig\",outcome=\"SYS.1007\"}")
                .contains("vrouter_api_latency_seconds_bucket");
    }

    private String rawMetrics() {
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void firstStartWithoutAPasswordWritesARandomOneReadableOnlyByTheOwner() throws Exception {
        java.nio.file.Path dir = Files.createTempDirectory("vrouter-pw-");
        try (var n = new io.vrouter.server.ManagementNode(new io.vrouter.server.NodeOptions("127.0.0.1", 0, dir,
                database() == TestDatabase.H2 ? null : io.vrouter.server.testing.PostgresServer.shared().orElseThrow().newDatabase(),
                null, null, null), io.vrouter.server.Clock.SYSTEM, new io.vrouter.agent.http.InProcessAgentHost())) {
            String url = n.start();
            java.nio.file.Path file = dir.resolve("admin-password");
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            String password = Files.readString(file).trim();
            assertThat(password).hasSizeGreaterThanOrEqualTo(20).isNotEqualTo("password");
            assertThat(ApiClient.forUrl(url).call("LogInByAccount", Map.of("accountName", "admin", "password", password)).status()).isEqualTo(200);
        }
    }
}
