/**
 * The ZStack query engine: a registry of queryable inventories (table, fields, relations) and a compiler from
 * conditions to one SQL statement per query, with nested collections loaded in batches.
 */
package io.vrouter.server.query;
