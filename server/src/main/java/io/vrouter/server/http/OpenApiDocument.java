package io.vrouter.server.http;

import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3 document of the catalogue: one path {@code /v1/api/{name}} per API with its parameter schema.
 * Query APIs also carry {@code x-queryable-fields}, which the CLI completes conditions from.
 */
final class OpenApiDocument {
    private OpenApiDocument() {
    }

    static Map<String, Object> of(ApiCatalogue catalogue, String version) {
        Map<String, Object> paths = new LinkedHashMap<>();
        for (ApiDefinition api : catalogue.all()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            List<String> required = new ArrayList<>();
            for (ApiParam p : api.params()) {
                properties.put(p.name(), schema(p));
                if (p.required()) {
                    required.add(p.name());
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", "object");
            body.put("properties", properties);
            if (!required.isEmpty()) {
                body.put("required", required);
            }
            Map<String, Object> post = new LinkedHashMap<>();
            post.put("operationId", api.name());
            post.put("summary", api.description());
            post.put("requestBody", Map.of("required", true, "content", Map.of("application/json", Map.of("schema", body))));
            post.put("responses", Map.of(
                    "200", Map.of("description", "success"),
                    "default", Map.of("description", "{\"error\":{\"code\",\"description\",\"details\"}}")));
            if (!api.authenticated()) {
                post.put("security", List.of());
            }
            if (api.isQuery()) {
                post.put("x-queryable-fields", api.queryFields());
            }
            paths.put("/v1/api/" + api.name(), Map.of("post", post));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "vrouter management node", "version", version));
        doc.put("paths", paths);
        doc.put("components", Map.of("securitySchemes", Map.of("session", Map.of(
                "type", "apiKey", "in", "header", "name", "Authorization",
                "description", "OAuth <session uuid> from LogInByAccount"))));
        doc.put("security", List.of(Map.of("session", List.of())));
        return doc;
    }

    private static Map<String, Object> schema(ApiParam p) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", p.type().openApiType());
        if (p.type() == ParamType.INTEGER || p.type() == ParamType.LONG) {
            s.put("format", p.type() == ParamType.INTEGER ? "int32" : "int64");
            if (p.min() != null) {
                s.put("minimum", p.min());
            }
            if (p.max() != null) {
                s.put("maximum", p.max());
            }
        }
        if (p.type() == ParamType.UUID) {
            s.put("pattern", "^[0-9a-f]{32}$");
        } else if (p.type() == ParamType.IPV4) {
            s.put("format", "ipv4");
        }
        if (p.type() == ParamType.STRING_LIST || p.type() == ParamType.UUID_LIST) {
            s.put("items", Map.of("type", "string"));
        } else if (p.type() == ParamType.CONDITIONS) {
            s.put("items", Map.of("type", "object", "properties", Map.of(
                    "name", Map.of("type", "string"), "op", Map.of("type", "string"), "value", Map.of("type", "string"))));
        }
        if (!p.choices().isEmpty()) {
            if (p.type().isList()) {
                s.put("items", Map.of("type", "string", "enum", p.choices()));
            } else {
                s.put("enum", p.choices());
            }
        }
        if (p.defaultValue() != null) {
            s.put("default", p.defaultValue());
        }
        if (p.description() != null) {
            s.put("description", p.description());
        }
        return s;
    }
}
