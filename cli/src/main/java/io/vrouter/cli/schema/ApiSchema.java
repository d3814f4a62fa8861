package io.vrouter.cli.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The APIs the server offers, read from its OpenAPI 3 document: every API is the path {@code /v1/api/{ApiName}}
 * whose {@code post} has {@code operationId = ApiName} and a JSON request body schema listing the parameters;
 * Query APIs add {@code x-queryable-fields}. An empty schema stands for "server did not tell us": the CLI still
 * works, sending every value as typed.
 */
public final class ApiSchema {

    private static final ApiSchema EMPTY = new ApiSchema(Map.of());
    private static final String API_PREFIX = "/v1/api/";

    private final Map<String, ApiSpec> apis;

    private ApiSchema(Map<String, ApiSpec> apis) {
        this.apis = Collections.unmodifiableMap(apis);
    }

    public static ApiSchema empty() {
        return EMPTY;
    }

    /** Reads the APIs out of an OpenAPI document; paths that are not APIs are skipped, never fatal. */
    public static ApiSchema fromOpenApi(JsonNode doc) {
        Map<String, ApiSpec> apis = new TreeMap<>();
        doc.path("paths").properties().forEach(path -> {
            JsonNode post = path.getValue().path("post");
            if (!path.getKey().startsWith(API_PREFIX) || !post.isObject()) {
                return;
            }
            String name = post.path("operationId").asText(path.getKey().substring(API_PREFIX.length()));
            JsonNode body = resolve(doc, post.path("requestBody").path("content").path("application/json").path("schema"));
            apis.put(name, new ApiSpec(name, firstNonEmpty(post.path("summary").asText(), post.path("description").asText()),
                    params(doc, body), strings(post.path("x-queryable-fields"))));
        });
        return new ApiSchema(apis);
    }

    public boolean isEmpty() {
        return apis.isEmpty();
    }

    /** API names in alphabetical order. */
    public Set<String> apiNames() {
        return apis.keySet();
    }

    public Optional<ApiSpec> api(String name) {
        return Optional.ofNullable(apis.get(name));
    }

    private static Map<String, ParamSpec> params(JsonNode doc, JsonNode body) {
        Set<String> required = new HashSet<>(strings(body.path("required")));
        Map<String, ParamSpec> params = new LinkedHashMap<>();
        body.path("properties").properties().forEach(p -> {
            JsonNode s = resolve(doc, p.getValue());
            String type = s.path("type").asText("string");
            JsonNode items = type.equals("array") ? resolve(doc, s.path("items")) : null;
            JsonNode def = s.get("default");
            params.put(p.getKey(), new ParamSpec(p.getKey(), type,
                    items == null ? null : items.path("type").asText("string"),
                    strings(items == null ? s.path("enum") : items.path("enum")),
                    required.contains(p.getKey()), def == null || def.isNull() ? null : def.asText(),
                    s.path("description").asText("")));
        });
        return params;
    }

    /** Follows a local {@code $ref} such as {@code #/components/schemas/Foo}; the lead may move schemas there. */
    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        for (int hops = 0; hops < 10 && node.has("$ref"); hops++) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                break;
            }
            node = doc.at(ref.substring(1));
        }
        return node;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
