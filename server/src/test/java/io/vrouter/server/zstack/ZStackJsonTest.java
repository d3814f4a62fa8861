package io.vrouter.server.zstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.http.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** ZStack's JSON written in one pass is exactly the tree rewritten: no nulls anywhere, Gson's dates in ...Date fields. */
class ZStackJsonTest {
    private final ZStackJson json = new ZStackJson(Json.newMapper(), ZoneId.of("UTC"));

    record Session(String uuid, String userUuid, Instant expiredDate) {
    }

    @Test
    void writingInOnePassGivesWhatTheRewrittenTreeGives() throws Exception {
        Map<String, Object> nic = new LinkedHashMap<>();
        nic.put("ip", "10.0.0.5");
        nic.put("gateway", null);
        nic.put("createDate", "2026-12-03T10:26:52Z");
        Map<String, Object> vm = new LinkedHashMap<>();
        vm.put("uuid", "0123456789abcdef0123456789abcdef");
        vm.put("description", null);
        vm.put("lastOpDate", "2026-12-03T22:05:01Z");
        vm.put("dateOfNothing", "2026-12-03T22:05:01Z");
        vm.put("strangeDate", "not an instant");
        vm.put("vmNics", Arrays.asList(nic, null));
        vm.put("dns", Arrays.asList("8.8.8.8", null, "2026-12-03T22:05:01Z"));
        Map<String, Object> reply = new HashMap<>();
        reply.put("inventories", List.of(vm));
        reply.put("total", null);
        reply.put("session", new Session("abc", null, Instant.parse("2015-12-02T17:54:12Z")));
        reply.put("node", json.mapper().readTree("{\"a\":null,\"createDate\":\"2015-12-02T05:54:12Z\",\"list\":[1,null,{\"b\":null}]}"));

        String onePass = json.writeShaped(reply);
        JsonNode expected = json.shape(reply);
        assertThat(json.mapper().readTree(onePass)).isEqualTo(expected);
        assertThat(onePass).doesNotContain("null")
                .contains("\"lastOpDate\":\"Dec 3, 2026 10:05:01 PM\"")
                .contains("\"createDate\":\"Dec 3, 2026 10:26:52 AM\"")
                .contains("\"expiredDate\":\"Dec 2, 2015 5:54:12 PM\"")
                .contains("\"dateOfNothing\":\"2026-12-03T22:05:01Z\"")
                .contains("\"strangeDate\":\"not an instant\"");
    }
}
