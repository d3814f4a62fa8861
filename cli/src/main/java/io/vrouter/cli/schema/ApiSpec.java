package io.vrouter.cli.schema;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One API: its parameters and, for a Query API, the fields its conditions may name.
 *
 * @param name             the API name, e.g. {@code CreateVirtualRouterOffering}
 * @param description      one line for help, may be empty
 * @param params           parameters by name, in the document's order
 * @param queryableFields  for Query APIs the fields conditions may use, nested ones included ({@code vmNics.ip})
 */
public record ApiSpec(String name, String description, Map<String, ParamSpec> params, List<String> queryableFields) {
    public ApiSpec {
        description = description == null ? "" : description;
        queryableFields = List.copyOf(queryableFields);
    }

    public Optional<ParamSpec> param(String paramName) {
        return Optional.ofNullable(params.get(paramName));
    }
}
