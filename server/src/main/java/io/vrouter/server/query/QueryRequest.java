package io.vrouter.server.query;

import io.vrouter.api.QueryCondition;

import java.util.List;

/**
 * A query as ZStack's APIs take it (reference §5).
 *
 * @param conditions     AND-ed
 * @param limit          at most this many inventories (default 1000)
 * @param start          skip this many
 * @param count          reply with the number only
 * @param replyWithCount reply with the number and the page
 * @param sortBy         a field of the inventory, or null for the primary key order
 * @param descending     sort direction
 * @param fields         only these fields (empty: all)
 */
public record QueryRequest(List<QueryCondition> conditions, int limit, int start, boolean count,
                           boolean replyWithCount, String sortBy, boolean descending, List<String> fields) {
    public static final int DEFAULT_LIMIT = 1000;

    public static QueryRequest of(QueryCondition... conditions) {
        return new QueryRequest(List.of(conditions), DEFAULT_LIMIT, 0, false, false, null, false, List.of());
    }
}
