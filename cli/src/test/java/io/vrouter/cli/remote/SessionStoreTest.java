package io.vrouter.cli.remote;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class SessionStoreTest {

    @TempDir
    Path home;

    @Test
    void saveCreatesAPrivateDirectoryAndA0600File() throws Exception {
        SessionStore store = new SessionStore(home.resolve(".vrouter"));
        store.save("5b9c7d0a1e2f4a6b8c9d0e1f2a3b4c5d");
        assertThat(store.file()).isEqualTo(home.resolve(".vrouter/session"));
        assertThat(Files.readString(store.file())).isEqualTo("5b9c7d0a1e2f4a6b8c9d0e1f2a3b4c5d\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".vrouter"))))
                .isEqualTo("rwx------");
        assertThat(store.load()).contains("5b9c7d0a1e2f4a6b8c9d0e1f2a3b4c5d");
    }

    @Test
    void saveReplacesTheFileAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        SessionStore store = new SessionStore(home);
        store.save("first");
        Object firstInode = Files.getAttribute(store.file(), "unix:ino");
        store.save("second");
        assertThat(store.load()).contains("second");
        // a rename, not an in-place rewrite: the path now names a different file
        assertThat(Files.getAttribute(store.file(), "unix:ino")).isNotEqualTo(firstInode);
        try (var files = Files.list(home)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("session");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
    }

    @Test
    void existingWorldReadableFileIsReplacedByAPrivateOne() throws Exception {
        SessionStore store = new SessionStore(home);
        Files.writeString(store.file(), "old");
        Files.setPosixFilePermissions(store.file(), PosixFilePermissions.fromString("rw-r--r--"));
        store.save("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
    }

    @Test
    void loadWithoutFileOrWithBlankFileIsEmpty() throws Exception {
        SessionStore store = new SessionStore(home.resolve("missing"));
        assertThat(store.load()).isEmpty();
        Files.createDirectories(home.resolve("missing"));
        Files.writeString(store.file(), "  \n");
        assertThat(store.load()).isEmpty();
    }

    @Test
    void clearRemovesTheFileAndToleratesItsAbsence() throws Exception {
        SessionStore store = new SessionStore(home);
        store.save("s");
        store.clear();
        assertThat(store.file()).doesNotExist();
        store.clear();
        assertThat(store.load()).isEmpty();
    }
}
