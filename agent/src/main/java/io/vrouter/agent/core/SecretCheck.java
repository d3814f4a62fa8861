package io.vrouter.agent.core;

import io.vrouter.agent.protocol.AgentPaths;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks an {@code Authorization: Bearer <secret>} header in constant time: both sides are hashed first, so
 * neither the content nor the length of the expected secret leaks through timing.
 */
final class SecretCheck {

    private final byte[] expectedHash;

    SecretCheck(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the agent needs a non-empty secret");
        }
        this.expectedHash = sha256(secret);
    }

    boolean accepts(String authorizationHeader) {
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
