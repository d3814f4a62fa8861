/** Talking to the management node: the HTTP client for {@code POST /v1/api/{ApiName}} and the stored session. */
package io.vrouter.cli.remote;
