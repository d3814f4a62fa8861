package io.vrouter.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.query.QueryEngine;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.TableCounts;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.vrouter.server.testing.Infra.cond;
import static io.vrouter.server.testing.Infra.params;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits that keep any request a 4xx: body form (JSON only, one object, nothing after it, no duplicate keys,
 * bounded nesting), query shape (relations walked, list lengths), text (column lengths, characters), and the
 * references a create names. Each refusal names what was wrong and writes nothing.
 */
abstract class InputLimitsContract extends NodeContract {

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private void assertRefused(ApiReply r, int status, String detailsPart) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        assertThat(r.errorCode()).isEqualTo("SYS.1007");
        assertThat(r.errorDetails()).contains(detailsPart);
    }

    // ---------------------------------------------------------------- the body

    @Test
    void deeplyNestedJsonIsRefusedAsABodyAndInsideAParameter() {
        Map<String, Long> before = TableCounts.of(node.node().database().dsl());
        assertRefused(admin.post("/v1/api/CreateZone", nested(5000)), 400, "exceeds a limit");
        assertRefused(admin.post("/v1/api/CreateZone", "{\"name\":" + nested(2000) + "}"), 400, "nesting depth");
        // before the session check too: a stranger gets the same 400, not a 500
        assertRefused(node.client().post("/v1/api/CreateZone", nested(5000)), 400, "exceeds a limit");
        // a map parameter sent as JSON text is parsed with the same limits
        assertRefused(admin.call("AttachNetworkServiceToL3Network", params("l3NetworkUuid", Infra.MISSING,
                "networkServices", nested(5000))), 400, "networkServices");
        assertThat(TableCounts.of(node.node().database().dsl())).isEqualTo(before);
    }

    @Test
    void anythingAfterTheObjectIsRefused() {
        Map<String, Long> before = TableCounts.of(node.node().database().dsl());
        assertRefused(admin.post("/v1/api/CreateZone", "{\"name\":\"z-trailing\"}xyz"), 400, "not valid JSON");
        assertRefused(admin.post("/v1/api/CreateZone", "{\"name\":\"z-trailing\"}{}"), 400, "not valid JSON");
        assertThat(TableCounts.of(node.node().database().dsl())).isEqualTo(before);
    }

    @Test
    void duplicateKeysAndNonNumbersAreRefused() {
        assertRefused(admin.post("/v1/api/CreateZone", "{\"name\":\"a\",\"name\":\"b\"}"), 400, "Duplicate field 'name'");
        assertRefused(admin.post("/v1/api/QueryZone", "{\"limit\":NaN}"), 400, "not valid JSON");
        assertRefused(admin.post("/v1/api/QueryZone", "{\"limit\":Infinity}"), 400, "not valid JSON");
    }

    @Test
    void onlyJsonBodiesAreAccepted() {
        Map<String, Long> before = TableCounts.of(node.node().database().dsl());
        String body = "{\"name\":\"z-content-type\"}";
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
            ApiReply r = admin.post("/v1/api/CreateZone", body, type);
            assertRefused(r, 415, "Content-Type: application/json");
            assertThat(r.errorDetails()).contains(type.split(";")[0]);
        }
        assertRefused(admin.post("/v1/api/CreateZone", body, null), 415, "no Content-Type");
        assertThat(TableCounts.of(node.node().database().dsl())).isEqualTo(before);
        // the type's parameters are allowed, and a call without a body needs no type
        assertThat(admin.post("/v1/api/QueryZone", "{}", "application/json; charset=utf-8").status()).isEqualTo(200);
        assertThat(admin.post("/v1/api/QueryZone", "", null).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- queries

    @Test
    void loopingNestedFieldsStopAtTheRelationLimit() {
        String loop = "vmNics.vmInstance.".repeat(10) + "name";
        assertRefused(admin.call("QueryVmInstance", Map.of("conditions", List.of(cond(loop, "=", "x")))), 400,
                "walks 20 relations; a condition may walk at most " + QueryEngine.MAX_RELATIONS);
        String longLoop = "vmNics.vmInstance.".repeat(200) + "name";
        assertRefused(admin.call("QueryVmInstance", Map.of("conditions", List.of(cond(longLoop, "=", "x")))), 400,
                "(3604 characters): a field name has at most 256 characters");
        ApiReply rest = admin.get("/v1/vm-instances?q=" + URLEncoder.encode(longLoop + "=x", StandardCharsets.UTF_8));
        assertRefused(rest, 400, "a field name has at most 256 characters");
        assertThat(rest.errorDetails().length()).isLessThan(600);
        // within the limit it is a query like any other
        String eight = "vmNics.vmInstance.".repeat(4) + "name";
        assertThat(admin.call("QueryVmInstance", Map.of("conditions", List.of(cond(eight, "=", "x")))).status()).isEqualTo(200);
    }

    @Test
    void inListsAreBounded() {
        String many = String.join(",", java.util.Collections.nCopies(QueryEngine.MAX_LIST_VALUES + 1, "x"));
        ApiReply r = admin.call("QueryZone", Map.of("conditions", List.of(cond("name", "in", many))));
        assertRefused(r, 400, "a list may hold at most " + QueryEngine.MAX_LIST_VALUES);
        assertThat(r.body().toString()).doesNotContainIgnoringCase("select");
        String enough = String.join(",", java.util.Collections.nCopies(QueryEngine.MAX_LIST_VALUES, "x"));
        assertThat(admin.call("QueryZone", Map.of("conditions", List.of(cond("name", "not in", enough)))).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- text

    @Test
    void stringsLongerThanTheirColumnAreRefusedBeforeTheDatabaseSeesThem() {
        Map<String, Long> before = TableCounts.of(node.node().database().dsl());
        ApiReply strategy = admin.call("CreateInstanceOffering", params("name", "o", "cpuNum", 1, "cpuSpeed", 1, "memorySize", 1L << 30,
                "allocatorStrategy", "x".repeat(65)));
        assertRefused(strategy, 400, "parameter allocatorStrategy: 65 characters, longer than its limit of 64");
        ApiReply huge = admin.call("CreateInstanceOffering", params("name", "o", "cpuNum", 1, "cpuSpeed", 1, "memorySize", 1L << 30,
                "allocatorStrategy", "x".repeat(1 << 20)));
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.body().toString()).doesNotContainIgnoringCase("insert").hasSizeLessThan(1000);
        assertRefused(admin.call("CreateZone", params("name", "z".repeat(256))), 400, "parameter name: 256 characters, longer than its limit of 255");
        assertThat(TableCounts.of(node.node().database().dsl())).isEqualTo(before);
    }

    @Test
    void namesRefuseControlsLineBreaksBidiOverridesAndZeroWidthCharacters() {
        Map<String, Long> before = TableCounts.of(node.node().database().dsl());
        Map<String, String> bad = Map.of(
                "a\u0000b", "a NUL character (U+0000) at position 1",
                "a\nb", "a line break (U+000A) at position 1",
                "a\rb", "a line break (U+000D) at position 1",
                "a\tb", "a tab (U+0009) at position 1",
                "a\u001bb", "a control character (U+001B) at position 1",
                "a\u0085b", "a line break (U+0085) at position 1",
                "evil\u202Etxt.exe", "a bidirectional override (U+202E) at position 4",
                "a\u2067b", "a bidirectional override (U+2067) at position 1",
                "ad\u200Bmin", "a zero-width character (U+200B) at position 2",
                "\uFEFFzone", "a zero-width character (U+FEFF) at position 0");
        bad.forEach((name, problem) -> {
            ApiReply r = admin.call("CreateZone", params("name", name));
            assertRefused(r, 400, "parameter name: " + problem + " is not allowed in one line of text");
        });
        ApiReply description = admin.call("CreateZone", params("name", "z", "description", "line\u0000"));
        assertRefused(description, 400, "parameter description: a NUL character (U+0000) at position 4 is not allowed in text");
        ApiReply tag = admin.call("CreateUserTag", params("resourceType", "AccountVO", "resourceUuid", Infra.MISSING, "tag", "t\u202Eag"));
        assertRefused(tag, 400, "parameter tag: a bidirectional override");
        ApiReply queryValue = admin.call("QueryZone", Map.of("conditions", List.of(cond("name", "=", "a\u0000"))));
        assertRefused(queryValue, 400, "a NUL character");
        assertThat(TableCounts.of(node.node().database().dsl())).isEqualTo(before);

        // free text keeps its paragraphs, names keep every script
        JsonNode zone = admin.ok("CreateZone", params("name", Infra.unique("zone-ünïcödé-区域"), "description", "line one\n\tline two"));
        assertThat(zone.get("inventory").get("description").asText()).isEqualTo("line one\n\tline two");
    }

    @Test
    void managementIpIsAnAddressOrAHostName() {
        String cluster = infra.cluster(infra.zone());
        for (String bad : new String[] {"$(id)", "10.0.0.1\n10.0.0.2", "a b", "10.0.0.256", "-host", "host..example", "1.2.3"}) {
            ApiReply r = admin.call("AddSimulatorHost", params("clusterUuid", cluster, "name", "h", "managementIp", bad));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("SYS.1007");
            assertThat(r.errorDetails()).as(bad).startsWith("parameter managementIp: ");
        }
        String name = Infra.unique("host") + ".example.test";
        assertThat(admin.call("AddSimulatorHost", params("clusterUuid", cluster, "name", "h", "managementIp", name)).status())
                .isEqualTo(200);
    }

    // ---------------------------------------------------------------- references

    @Test
    void creatingAVmOnAHostOrClusterThatDoesNotExistIsNotFound() {
        Infra.Zone zone = infra.simulatorZone();
        String l3 = infra.l3(zone, "guest", "10.77.0.0/24", false);
        String image = infra.image(false);
        String offering = infra.offering();
        Map<String, Long> before = TableCounts.of(node.node().database().dsl());
        for (String key : new String[] {"hostUuid", "clusterUuid"}) {
            ApiReply r = admin.call("CreateVmInstance", params("name", "vm", "instanceOfferingUuid", offering, "imageUuid", image,
                    "l3NetworkUuids", List.of(l3), key, Infra.MISSING));
            assertThat(r.status()).as(key).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("SYS.1003");
            assertThat(r.errorDetails()).contains(Infra.MISSING);
        }
        assertThat(TableCounts.of(node.node().database().dsl())).isEqualTo(before);
    }
}
