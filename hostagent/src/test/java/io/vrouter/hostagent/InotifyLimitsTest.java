package io.vrouter.hostagent;

import io.vrouter.agent.protocol.hostagent.ConnectReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inotify limits a host full of routers needs: with the kernel's default of 128 instances, the 65th router of
 * a pair on a host had no dnsmasq (the 50-pair benchmark's guests without a lease). On a stand-in of
 * {@code /proc/sys/fs/inotify}.
 */
class InotifyLimitsTest {

    private static Path limits(Path dir, long instances, long watches) throws Exception {
        Files.writeString(dir.resolve(InotifyLimits.MAX_INSTANCES), instances + "\n");
        Files.writeString(dir.resolve(InotifyLimits.MAX_WATCHES), watches + "\n");
        return dir;
    }

    private static long read(Path dir, String name) throws Exception {
        return Long.parseLong(Files.readString(dir.resolve(name)).trim());
    }

    @Test
    void theKernelsDefaultsAreRaisedToTheFloors(@TempDir Path dir) throws Exception {
        assertThat(new InotifyLimits(limits(dir, 128, 8192)).ensure())
                .containsExactly("max_user_instances 128 -> 8192", "max_user_watches 8192 -> 65536");
        assertThat(read(dir, InotifyLimits.MAX_INSTANCES)).isEqualTo(InotifyLimits.INSTANCES);
        assertThat(read(dir, InotifyLimits.MAX_WATCHES)).isEqualTo(InotifyLimits.WATCHES);
    }

    @Test
    void higherLimitsAreLeftAlone(@TempDir Path dir) throws Exception {
        assertThat(new InotifyLimits(limits(dir, 100_000, 1_048_576)).ensure()).isEmpty();
        assertThat(read(dir, InotifyLimits.MAX_INSTANCES)).isEqualTo(100_000);
        assertThat(read(dir, InotifyLimits.MAX_WATCHES)).isEqualTo(1_048_576);
    }

    @Test
    void aHostWithoutTheFilesOrWhereTheyCannotBeWrittenIsNoError(@TempDir Path dir) throws Exception {
        assertThat(new InotifyLimits(dir.resolve("absent")).ensure()).isEmpty();
        limits(dir, 128, 8192);
        dir.resolve(InotifyLimits.MAX_INSTANCES).toFile().setReadOnly();
        dir.resolve(InotifyLimits.MAX_WATCHES).toFile().setReadOnly();
        // root writes a read-only file anyway: only meaningful when not root
        if (!HostCheck.isRoot()) {
            assertThat(new InotifyLimits(dir).ensure()).isEmpty();
            assertThat(read(dir, InotifyLimits.MAX_INSTANCES)).isEqualTo(128);
        }
    }

    @Test
    void theHostAgentRaisesThemWhenTheNodeConnectsIt(@TempDir Path dir) throws Exception {
        Path proc = Files.createDirectories(dir.resolve("inotify"));
        limits(proc, 128, 8192);
        HostAgent agent = new HostAgent(new HostAgentSettings(dir.resolve("work"), null, Duration.ofSeconds(5), null, true, true),
                new HostCheck(tool -> true, true, applet -> true), new InotifyLimits(proc));
        try {
            ConnectReply reply = agent.connect();
            assertThat(reply.problems()).isNull();
            assertThat(read(proc, InotifyLimits.MAX_INSTANCES)).isEqualTo(InotifyLimits.INSTANCES);
        } finally {
            agent.close();
        }
    }
}
