package io.vrouter.server.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An entry of the catalogue.
 *
 * @param name          ZStack's API name, e.g. {@code CreateZone}
 * @param description   one sentence for the OpenAPI document and the CLI's help
 * @param params        every accepted parameter; anything else is refused
 * @param handler       runs after validation
 * @param authenticated false only for the APIs that open a session
 * @param queryFields   for Query APIs, the fields a condition may name (for completion); empty otherwise
 */
public record ApiDefinition(String name, String description, List<ApiParam> params, ApiHandler handler,
                            boolean authenticated, List<String> queryFields) {

    public ApiDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler of " + name);
        params = List.copyOf(params);
        queryFields = List.copyOf(queryFields);
    }

    public static ApiDefinition of(String name, String description, ApiHandler handler, ApiParam... params) {
        return new ApiDefinition(name, description, List.of(params), handler, true, List.of());
    }

    public ApiDefinition unauthenticated() {
        return new ApiDefinition(name, description, params, handler, false, queryFields);
    }

    public Optional<ApiParam> param(String paramName) {
        return params.stream().filter(p -> p.name().equals(paramName)).findFirst();
    }

    public boolean isQuery() {
        return !queryFields.isEmpty();
    }
}
