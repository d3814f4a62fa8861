package io.vrouter.agent.protocol.hostagent;

/**
 * {@code /host/enroll/begin}, plain HTTP, the first message of a host agent's enrollment
 * ({@link io.vrouter.agent.tls.HostEnrollment}): a fresh nonce of the node and the proof that the node holds the
 * host's secret (an HMAC of the nonce keyed with it; the secret itself is never sent). Base64 throughout.
 */
public record EnrollBeginCmd(String nodeNonce, String nodeProof) {
}
