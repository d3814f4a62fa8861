/**
 * What the CLI knows about the server's APIs, read from the server's {@code GET /v1/openapi.json}: API names,
 * parameter types and choices, and the queryable fields of Query APIs. Drives typing of values and completion.
 */
package io.vrouter.cli.schema;
