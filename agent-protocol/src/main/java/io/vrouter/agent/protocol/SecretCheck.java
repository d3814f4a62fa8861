package io.vrouter.agent.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks an {@code Authorization: Bearer <secret>} header in constant time: both sides are hashed first, so
 * neither the content nor the length of the expected secret leaks through timing. The router agent and the host agent
 * both check their callers with it.
 */
public final class SecretCheck {

    private final byte[] expectedHash;

    public SecretCheck(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("an agent needs a non-empty secret");
        }
        this.expectedHash = sha256(secret);
    }

    public boolean accepts(String authorizationHeader) {
        String presented = authorizationHeader != null && authorizationHeader.startsWith(AgentPaths.BEARER_PREFIX)
                ? authorizationHeader.substring(AgentPaths.BEARER_PREFIX.length()) : "";
        return MessageDigest.isEqual(expectedHash, sha256(presented)) & !presented.isEmpty();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
