package io.vrouter.cli.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ApiSchemaTest {

    static ApiSchema fixture() throws Exception {
        try (InputStream in = ApiSchemaTest.class.getResourceAsStream("/openapi-fixture.json")) {
            return ApiSchema.fromOpenApi(new ObjectMapper().readTree(in));
        }
    }

    @Test
    void apisAreThePostPathsUnderV1Api() throws Exception {
        assertThat(fixture().apiNames()).containsExactly("AddDnsToL3Network", "AttachNetworkServiceToL3Network",
                "ChangeL3NetworkState", "CreateL3Network", "CreateVirtualRouterOffering", "LogInByAccount", "LogOut",
                "QueryVirtualRouterOffering", "QueryVirtualRouterVm");
    }

    @Test
    void parametersCarryTypeChoicesRequiredAndDescription() throws Exception {
        ApiSpec offering = fixture().api("CreateVirtualRouterOffering").orElseThrow();
        assertThat(offering.description()).isEqualTo("Create a virtual router offering");
        assertThat(offering.params().keySet()).startsWith("name", "cpuNum", "memorySize");
        assertThat(offering.param("name")).contains(new ParamSpec("name", "string", null, List.of(), true, null, "offering name"));
        assertThat(offering.param("systemTags")).contains(new ParamSpec("systemTags", "array", "string", List.of(), false, null, ""));
        assertThat(fixture().api("ChangeL3NetworkState").flatMap(a -> a.param("stateEvent")).orElseThrow().choices())
                .containsExactly("enable", "disable");
    }

    @Test
    void defaultsAndItemChoices() throws Exception {
        ApiSpec l3 = fixture().api("CreateL3Network").orElseThrow();
        assertThat(l3.param("category")).contains(
                new ParamSpec("category", "string", null, List.of("Private", "Public", "System"), false, "Private", ""));
        assertThat(l3.param("services")).contains(
                new ParamSpec("services", "array", "string", List.of("DHCP", "DNS", "SNAT"), false, null, ""));
    }

    @Test
    void localRefsAreFollowed() throws Exception {
        ApiSpec attach = fixture().api("AttachNetworkServiceToL3Network").orElseThrow();
        assertThat(attach.param("networkServices")).contains(
                new ParamSpec("networkServices", "object", null, List.of(), true, null, "provider uuid -> service types"));
    }

    @Test
    void queryApisListTheirFields() throws Exception {
        assertThat(fixture().api("QueryVirtualRouterVm").orElseThrow().queryableFields())
                .containsExactly("uuid", "name", "state", "defaultRouteL3NetworkUuid", "vmNics.ip", "vmNics.mac");
    }

    @Test
    void documentWithoutPathsIsEmpty() throws Exception {
        assertThat(ApiSchema.fromOpenApi(new ObjectMapper().readTree("{\"openapi\":\"3.0.3\"}")).isEmpty()).isTrue();
        assertThat(ApiSchema.empty().api("LogOut")).isEmpty();
    }

    @Test
    void cacheFetchesOncePerUrl() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        String doc = "{\"paths\":{\"/v1/api/LogOut\":{\"post\":{\"operationId\":\"LogOut\"}}}}";
        SchemaCache cache = new SchemaCache(url -> {
            fetches.incrementAndGet();
            return new ObjectMapper().readTree(doc);
        });
        assertThat(cache.get("http://a").apiNames()).containsExactly("LogOut");
        assertThat(cache.get("http://a").apiNames()).containsExactly("LogOut");
        assertThat(fetches).hasValue(1);
        cache.get("http://b");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void cacheRetriesAFailedFetchOnlyAfterAPause() {
        AtomicInteger fetches = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        SchemaCache cache = new SchemaCache(url -> {
            fetches.incrementAndGet();
            throw new java.io.IOException("HTTP 404");
        }, now::get);
        assertThat(cache.get("http://a").isEmpty()).isTrue();
        assertThat(cache.get("http://a").isEmpty()).isTrue();
        assertThat(fetches).hasValue(1);
        assertThat(cache.lastFailure("http://a")).get().extracting(Throwable::getMessage).isEqualTo("HTTP 404");
        now.addAndGet(SchemaCache.RETRY_AFTER.toNanos());
        cache.get("http://a");
        assertThat(fetches).hasValue(2);
    }
}
