package io.vrouter.server.query;

import io.vrouter.api.QueryCondition;
import io.vrouter.server.api.ApiCall;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers the Query APIs: each is an inventory of the registry exposed as {@code QueryXxx} in the catalogue
 * and as a REST collection ({@code GET /v1/zones}). Every Query API takes the same parameters (reference §5).
 */
public final class QueryApis {
    /** How deep nested field names are listed for completion; conditions themselves may go deeper. */
    private static final int COMPLETION_DEPTH = 2;
    /** Most conditions one query may AND: far above any real question, and every one is SQL to compile. */
    public static final int MAX_CONDITIONS = 100;

    private final ApiCatalogue catalogue;
    private final QueryEngine engine;
    private final Map<String, String> apiByRestPath = new ConcurrentHashMap<>();

    public QueryApis(ApiCatalogue catalogue, QueryEngine engine) {
        this.catalogue = catalogue;
        this.engine = engine;
    }

    /**
     * @param apiName       e.g. {@code QueryZone}
     * @param inventoryName the registered inventory it queries
     * @param restPath      the REST collection under /v1, e.g. {@code zones}
     */
    public void register(String apiName, String inventoryName, String restPath) {
        Inventory inventory = engine.registry().get(inventoryName);
        List<String> fields = inventory.queryableFieldNames(engine.registry(), COMPLETION_DEPTH);
        catalogue.register(new ApiDefinition(apiName, "Query " + inventoryName + " inventories",
                List.of(
                        ApiParam.optional("conditions", ParamType.CONDITIONS, "AND-ed conditions {name, op, value}")
                                .withRange(0, MAX_CONDITIONS),
                        ApiParam.optional("limit", ParamType.INTEGER, "at most this many (default 1000)")
                                .withRange(0, 1_000_000).withDefault(QueryRequest.DEFAULT_LIMIT),
                        ApiParam.optional("start", ParamType.INTEGER, "skip this many").withRange(0, Integer.MAX_VALUE).withDefault(0),
                        ApiParam.optional("count", ParamType.BOOLEAN, "reply with the number only").withDefault(false),
                        ApiParam.optional("replyWithCount", ParamType.BOOLEAN, "reply with the number and the page").withDefault(false),
                        ApiParam.optional("sortBy", ParamType.STRING, "field to sort by").withRange(1, 256),
                        ApiParam.optional("sortDirection", ParamType.STRING, "asc or desc").withChoices("asc", "desc").withDefault("asc"),
                        ApiParam.optional("fields", ParamType.STRING_LIST, "only these fields").withRange(0, 256)),
                call -> run(inventoryName, call), true, fields));
        apiByRestPath.put(restPath, apiName);
    }

    private Object run(String inventoryName, ApiCall call) {
        QueryRequest request = new QueryRequest(call.conditions("conditions"), call.integer("limit"),
                call.integer("start"), call.bool("count"), call.bool("replyWithCount"),
                call.optString("sortBy").orElse(null), "desc".equals(call.string("sortDirection")),
                call.list("fields"));
        try {
            QueryResult result = engine.query(inventoryName, request);
            if (request.count()) {
                return Map.of("total", result.total());
            }
            return new Replies.InventoriesReply(result.inventories(), result.total());
        } catch (QueryException e) {
            throw ApiException.invalidArgument(e.getMessage());
        }
    }

    /** The Query API serving a REST collection path such as {@code vm-instances}. */
    public Optional<String> apiForRestPath(String restPath) {
        return Optional.ofNullable(apiByRestPath.get(restPath));
    }

    public Map<String, String> restPaths() {
        return Map.copyOf(apiByRestPath);
    }

    /** Convenience for handlers: the one inventory with this uuid, or RESOURCE_NOT_FOUND. */
    public Map<String, Object> inventory(String inventoryName, String uuid) {
        return engine.findByUuid(inventoryName, uuid).orElseThrow(() -> ApiException.notFound(inventoryName, uuid));
    }

    public List<Map<String, Object>> find(String inventoryName, QueryCondition... conditions) {
        return engine.find(inventoryName, conditions);
    }
}
