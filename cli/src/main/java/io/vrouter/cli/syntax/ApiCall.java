package io.vrouter.cli.syntax;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One API call as the server receives it: {@code POST /v1/api/{apiName}} with {@code body}.
 *
 * @param apiName the API, e.g. {@code QueryVirtualRouterVm}
 * @param body    the JSON object of parameters
 */
public record ApiCall(String apiName, ObjectNode body) {
    /** Query APIs take conditions and reserved keys instead of plain parameters (reference §5, §6). */
    public static boolean isQuery(String apiName) {
        return apiName.startsWith("Query");
    }
}
