package io.vrouter.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The node's data directory: the embedded database (agent secrets, session hashes, password hashes) and the
 * generated admin password. Only the node's user may read it: the directory is 0700, every file in it 0600.
 *
 * <p>The JVM cannot set its umask, so files other code creates here (H2's database, trace and temp files) are
 * narrowed after the fact by {@link #restrictFiles()}; the directory's own 0700 is what covers the moment between
 * (nobody else can enter it). The launcher does not set {@code umask 077} for the whole node: the processes it
 * spawns (router agents, their dnsmasq, which reads its files after dropping to an unprivileged user) need theirs.
 */
public final class DataDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;

    private DataDirectory(Path dir) {
        this.dir = dir;
    }

    /** Creates the directory 0700 (or narrows an existing one to 0700). */
    public static DataDirectory open(Path dir) {
        try {
            if (!posix(dir.toAbsolutePath().getRoot())) {
                Files.createDirectories(dir);
                LOG.warn("the file system of {} has no POSIX permissions: protect it by other means", dir);
                return new DataDirectory(dir);
            }
            if (Files.notExists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            }
            // createDirectories applies the umask to the mode it was given; set it outright
            Files.setPosixFilePermissions(dir, DIRECTORY);
            return new DataDirectory(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the data directory " + dir + " with mode 0700: " + e.getMessage(), e);
        }
    }

    /** Narrows every regular file directly in the directory (the database's files among them) to 0600. */
    public void restrictFiles() {
        if (!posix(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file) && !Files.getPosixFilePermissions(file).equals(FILE)) {
                    Files.setPosixFilePermissions(file, FILE);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the files of " + dir + " mode 0600: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return dir;
    }

    private static boolean posix(Path path) {
        return Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
    }
}
