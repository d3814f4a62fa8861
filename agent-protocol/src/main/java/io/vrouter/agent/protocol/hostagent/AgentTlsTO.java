package io.vrouter.agent.protocol.hostagent;

/**
 * A router agent's TLS identity as PEM text, issued by the management node's certificate authority for that router:
 * its private key, its certificate, the authority's certificate (the only one it trusts).
 */
public record AgentTlsTO(String key, String certificate, String authority) {
}
