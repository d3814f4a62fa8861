package io.vrouter.server.query;

import java.util.List;
import java.util.Map;

/** Inventories as ordered maps of field to JSON value, and the total when it was asked for. */
public record QueryResult(List<Map<String, Object>> inventories, Long total) {
}
