package io.vrouter.agent.core;

/** What a transport sends back for one command: an HTTP-style status and the reply object to encode as JSON. */
public record AgentResponse(int status, Object body) {
}
