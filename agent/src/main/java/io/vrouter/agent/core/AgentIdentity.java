package io.vrouter.agent.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The version and the md5 of the agent's own jar, reported by {@code /echo} and {@code /ping} so the management
 * node can tell whether the agent must be upgraded. Injectable: a simulator can pretend to be an old agent.
 */
public record AgentIdentity(String version, String md5) {

    /** Used when the agent runs from classes rather than a jar (tests, IDE). */
    public static final String NO_JAR_MD5 = "no-jar";

    /** Computes the identity of the running code once; call at start, not per request. */
    public static AgentIdentity ofRunningCode() {
        String version = AgentIdentity.class.getPackage().getImplementationVersion();
        return new AgentIdentity(version != null ? version : "dev", md5OfCodeSource());
    }

    private static String md5OfCodeSource() {
        try {
            var source = AgentIdentity.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return NO_JAR_MD5;
            }
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) ? md5(path) : NO_JAR_MD5;
        } catch (URISyntaxException | IOException | SecurityException e) {
            return NO_JAR_MD5;
        }
    }

    public static String md5(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("MD5"))) {
            MessageDigest digest = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
