package io.vrouter.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentIdentityTest {

    @Test
    void md5OfAFile(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("agent.jar");
        Files.writeString(jar, "hello\n");
        assertThat(AgentIdentity.md5(jar)).isEqualTo("b1946ac92492d2347c6235b4d2611184");
    }

    @Test
    void runningFromClassesHasNoJarMd5() {
        // tests run from target/classes, not from the shaded jar
        assertThat(AgentIdentity.ofRunningCode().md5()).isEqualTo(AgentIdentity.NO_JAR_MD5);
    }
}
