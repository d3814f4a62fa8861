/** The REST API: one action endpoint per catalogued API, ZStack-style query routes, OpenAPI, metrics, error mapping. */
package io.vrouter.server.http;
