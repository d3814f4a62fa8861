package io.vrouter.platform.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path tmp;

    @Test
    void deletesANestedTreeAndIgnoresOneThatIsGone() throws Exception {
        Path root = tmp.resolve("vm");
        Files.createDirectories(root.resolve("etc/netns"));
        Files.writeString(root.resolve("etc/netns/resolv.conf"), "nameserver 10.0.0.1\n");
        Files.writeString(root.resolve("agent.json"), "{}");

        FileTrees.delete(root);

        assertThat(root).doesNotExist();
        assertThat(tmp).exists();
        FileTrees.delete(root);
    }
}
