/**
 * Live events for the web console: status changes of hosts and virtual routers and the outcome of every changing
 * API call, published in-process and streamed to logged-in browsers as server-sent events.
 */
package io.vrouter.server.events;
