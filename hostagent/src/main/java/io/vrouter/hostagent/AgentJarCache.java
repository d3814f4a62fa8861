package io.vrouter.hostagent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router agent jars this host runs, each kept once under its md5 ({@code agent-jars/<md5>/vrouter-agent.jar})
 * with its class-data archive beside it ({@code vrouter-agent.jsa}, a dynamic AppCDS archive): a JVM that maps it
 * loads the agent's classes parsed and verified already, which takes about a third off an agent's boot
 * (docs/benchmarks.md). Agents run from here, so one archive serves every router of a jar (the JVM accepts an archive
 * only for the jar path and modification time it was made with). A new jar gets its own directory, and so its own
 * archive; an archive the JVM cannot use (another JDK) is ignored by it, and the agent boots as without one.
 */
final class AgentJarCache {
    static final String JAR = "vrouter-agent.jar";
    static final String ARCHIVE = "vrouter-agent.jsa";
    /** Set to false to run agents without a class-data archive (and never make one): for measuring what it gives. */
    static final String ARCHIVE_PROPERTY = "vrouter.netns.agentClassArchive";

    /** A jar of this cache: its md5, where it is, and where its archive is (or will be). */
    record Jar(String md5, Path jar, Path archive) {
        /** The JVM flag that maps the archive, when there is one. */
        List<String> archiveFlags() {
            return archiveEnabled() && Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
        }

        boolean hasArchive() {
            return Files.isRegularFile(archive);
        }
    }

    private record Stamp(long size, FileTime modified, String md5) {
    }

    private final Path dir;
    /** md5 by jar path, valid while the file keeps its size and modification time: a jar is hashed once. */
    private final Map<Path, Stamp> md5s = new ConcurrentHashMap<>();

    AgentJarCache(Path dir) {
        this.dir = dir;
    }

    static boolean archiveEnabled() {
        return Boolean.parseBoolean(System.getProperty(ARCHIVE_PROPERTY, "true"));
    }

    /** The md5 of {@code jar} (hex), hashed only when the file changed since the last call. */
    String md5(Path jar) {
        try {
            long size = Files.size(jar);
            FileTime modified = Files.getLastModifiedTime(jar);
            Stamp known = md5s.get(jar);
            if (known != null && known.size() == size && known.modified().equals(modified)) {
                return known.md5();
            }
            MessageDigest digest = MessageDigest.getInstance("MD5");
            try (InputStream in = Files.newInputStream(jar)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            String md5 = HexFormat.of().formatHex(digest.digest());
            md5s.put(jar, new Stamp(size, modified, md5));
            return md5;
        } catch (IOException e) {
            throw new HostAgentException("cannot read the agent jar " + jar + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code jar} in this cache (copied in once per md5); idempotent. */
    Jar install(Path jar) {
        String md5 = md5(jar);
        Path home = dir.resolve(md5);
        Jar installed = new Jar(md5, home.resolve(JAR), home.resolve(ARCHIVE));
        if (Files.isRegularFile(installed.jar())) {
            return installed;
        }
        try {
            Files.createDirectories(home);
            Path tmp = home.resolve(JAR + ".tmp");
            Files.deleteIfExists(tmp);
            // a copy, never a link: a jar rewritten in place (a build) must not change what this md5 names
            Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
            if (!md5(tmp).equals(md5)) {
                throw new IOException("the jar changed while it was copied");
            }
            Files.move(tmp, installed.jar(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return installed;
        } catch (IOException e) {
            throw new HostAgentException("cannot install the agent jar " + jar + " in " + home + ": " + e, e);
        }
    }
}
