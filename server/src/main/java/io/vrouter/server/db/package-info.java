/** The database: connection pool, schema migrations and the jOOQ context every package writes through. */
package io.vrouter.server.db;
