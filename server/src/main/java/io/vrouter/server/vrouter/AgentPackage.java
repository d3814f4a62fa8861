package io.vrouter.server.vrouter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The agent the management node ships: its version and the md5 of its jar. Reconnect upgrades a router whose agent
 * reports another md5 (the seed's "upgrade the virtual router agent if the md5sum ... doesn't match").
 *
 * @param jar the agent jar, or null where agents are not files (the Simulator runs them in-process)
 */
public record AgentPackage(String version, String md5, Path jar) {

    /** The package of a jar on disk; its md5 is computed once here. */
    public static AgentPackage ofJar(String version, Path jar) {
        try (InputStream in = Files.newInputStream(jar)) {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return new AgentPackage(version, HexFormat.of().formatHex(digest.digest()), jar);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the agent jar " + jar + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A package for in-process agents: the md5 is a name, stable for a version. */
    public static AgentPackage inProcess(String version) {
        return new AgentPackage(version, "in-process-" + version, null);
    }
}
