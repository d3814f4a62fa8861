/** Global configurations: registered with type, default and allowed values; updated through the API; kept in the database. */
package io.vrouter.server.config;
