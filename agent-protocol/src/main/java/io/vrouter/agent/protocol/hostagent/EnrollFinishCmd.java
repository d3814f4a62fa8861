package io.vrouter.agent.protocol.hostagent;

/**
 * {@code /host/enroll/finish}, plain HTTP: the certificate the node's authority issued for the agent's key, the
 * authority's certificate (PEM both), the agent's nonce it answers, and an HMAC over all three keyed with the host's
 * secret, so the agent trusts an authority only a holder of its secret sent. Answered by {@link HostAgentReply}.
 */
public record EnrollFinishCmd(String agentNonce, String certificate, String authority, String proof) {
}
