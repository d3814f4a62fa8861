/**
 * The one client of the management node's HTTP API ({@code POST /v1/api/{name}} with a session header, the error
 * envelope, the REST queries and the OpenAPI document), used by the CLI, the benchmarks, the demo and the tests.
 */
package io.vrouter.client;
