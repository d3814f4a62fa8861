package io.vrouter.server.testing;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.util.Map;
import java.util.TreeMap;

/** The row count of every table of the node's schema: what a refused request must leave as it found. */
public final class TableCounts {
    private TableCounts() {
    }

    public static Map<String, Long> of(DSLContext dsl) {
        Map<String, Long> counts = new TreeMap<>();
        for (Object name : dsl.fetchValues("SELECT table_name FROM information_schema.tables"
                + " WHERE lower(table_schema) = 'public' AND table_type IN ('BASE TABLE', 'TABLE')")) {
            String table = String.valueOf(name);
            if (table.equalsIgnoreCase("flyway_schema_history")) {
                continue;
            }
            counts.put(table.toLowerCase(), (long) dsl.fetchCount(DSL.table(DSL.unquotedName(table))));
        }
        if (counts.isEmpty()) {
            throw new IllegalStateException("no tables found in the public schema: the query above no longer matches");
        }
        return counts;
    }
}
