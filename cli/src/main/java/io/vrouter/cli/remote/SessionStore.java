package io.vrouter.cli.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The session uuid of the last {@code LogInByAccount}, kept in {@code <dir>/session} (normally
 * {@code ~/.vrouter/session}) so later commands reuse it, like zstack-cli does.
 *
 * <p>The uuid is a bearer credential: the file is created with mode 0600 (the directory 0700 when we create it)
 * and written to a temporary file first, then renamed over the old one, so a reader never sees half a uuid and
 * the secret is never readable by others, not even for a moment.
 */
public final class SessionStore {

    private static final String FILE_NAME = "session";

    private final Path dir;

    /** @param dir the CLI's state directory, usually {@code ~/.vrouter}; created when the first session is saved */
    public SessionStore(Path dir) {
        this.dir = dir;
    }

    public Path file() {
        return dir.resolve(FILE_NAME);
    }

    /** The stored session uuid, if any; an unreadable or empty file counts as none. */
    public Optional<String> load() {
        try {
            String uuid = Files.readString(file(), StandardCharsets.UTF_8).trim();
            return uuid.isEmpty() ? Optional.empty() : Optional.of(uuid);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Stores the session uuid atomically with mode 0600. */
    public void save(String sessionUuid) throws IOException {
        createDir();
        Path tmp = posix()
                ? Files.createTempFile(dir, ".session", ".tmp", perms("rw-------"))
                : Files.createTempFile(dir, ".session", ".tmp");
        try {
            Files.writeString(tmp, sessionUuid + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Forgets the session; no file is fine. */
    public void clear() throws IOException {
        Files.deleteIfExists(file());
    }

    /** Creates the state directory, private to the user, when it does not exist yet. */
    public void createDir() throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            if (posix()) {
                Files.createDirectories(dir, perms("rwx------"));
            } else {
                Files.createDirectories(dir);
            }
        } catch (FileAlreadyExistsException e) {
            // another CLI created it at the same moment
        }
    }

    private boolean posix() {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<Set<PosixFilePermission>> perms(String spec) {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(spec));
    }
}
