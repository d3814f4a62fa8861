package io.vrouter.agent.protocol.hostagent;

/**
 * The host agent's answer to {@link EnrollBeginCmd}: the public half of the key it just made (X.509
 * SubjectPublicKeyInfo), its own nonce, the proof that it holds the host's secret (an HMAC over both nonces and the
 * key) and the proof that it holds the private key (an ECDSA signature over the same). Base64 throughout.
 */
public record EnrollBeginReply(boolean success, String error, String publicKey, String agentNonce, String agentProof,
                               String possession) {
}
