package io.vrouter.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrouter.api.QueryCondition;
import io.vrouter.api.QueryWords;
import io.vrouter.server.api.ApiException;

import java.util.List;
import java.util.Map;

/**
 * ZStack's REST query string ({@code q=name=z1&q=state?=A,B&limit=&start=&count=&replyWithCount=&sort=+name&fields=})
 * as the parameters of a Query API. Both REST faces, ours under {@code /v1} and ZStack's under {@code /zstack/v1},
 * read queries through this one function.
 */
public final class RestQueryParams {
    private RestQueryParams() {
    }

    /** @param uuid when the path named one resource ({@code GET /v1/zones/{uuid}}), a condition on it; else null */
    public static ObjectNode toQueryBody(ObjectMapper json, String uuid, Map<String, List<String>> params) {
        ObjectNode body = json.createObjectNode();
        ArrayNode conditions = body.putArray("conditions");
        if (uuid != null) {
            conditions.add(json.valueToTree(new QueryCondition("uuid", "=", uuid)));
        }
        for (String q : params.getOrDefault("q", List.of())) {
            QueryCondition c = QueryWords.parse(q).orElseThrow(() -> ApiException.invalidArgument(
                    "q=" + q + " is not a condition such as name=vm1, vmNics.ip=10.0.0.5 or state?=Running,Stopped"));
            conditions.add(json.valueToTree(c));
        }
        for (String key : List.of("limit", "start", "count", "replyWithCount", "fields")) {
            List<String> values = params.get(key);
            if (values != null && !values.isEmpty()) {
                body.put(key, values.get(0));
            }
        }
        List<String> sorts = params.get("sort");
        String sort = sorts == null || sorts.isEmpty() ? null : sorts.get(0);
        if (sort != null && !sort.isEmpty()) {
            // a '+' in a query string arrives as a space
            boolean descending = sort.startsWith("-");
            body.put("sortBy", sort.startsWith("-") || sort.startsWith("+") || sort.startsWith(" ") ? sort.substring(1).trim() : sort);
            body.put("sortDirection", descending ? "desc" : "asc");
        }
        return body;
    }
}
