package io.vrouter.tools.demo;

import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.HostAgentSettings;
import io.vrouter.hostagent.HostTesting;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.platform.files.FileTrees;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start and end every multi-host root test class shares: skip with the reason printed unless a
 * {@link MultiHostLab} can be made here, the lab in a temporary directory, a management node on H2 that ships the
 * host agent jar, the {@link MultiHostWorld} on top; and at the end everything closed (what the class added first),
 * nothing of the lab left behind.
 */
final class MultiHostFixture {
    private final String test;
    private final Path dir;
    private final MultiHostLab lab;
    private final List<Runnable> firstClosers = new ArrayList<>();
    private TestNode node;
    private MultiHostWorld world;
    private boolean closed;

    private MultiHostFixture(String test, Path dir, MultiHostLab lab) {
        this.test = test;
        this.dir = dir;
        this.lab = lab;
    }

    /** The lab, or the test class skipped (with the reason printed) when this machine cannot make one. */
    static MultiHostFixture open(String test, String dirPrefix) throws IOException {
        return open(test, dirPrefix, () -> null);
    }

    /** @param otherReason why the class cannot run here beyond the lab's own needs (null when it can); asked only when a lab can be made */
    static MultiHostFixture open(String test, String dirPrefix, Supplier<String> otherReason) throws IOException {
        String reason = MultiHostLab.unavailableReason();
        if (reason == null) {
            reason = otherReason.get();
        }
        skipIfReason(test, reason);
        Path dir = Files.createTempDirectory(dirPrefix);
        return new MultiHostFixture(test, dir, MultiHostLab.create(dir.resolve("lab")));
    }

    private static void skipIfReason(String test, String reason) {
        if (reason != null) {
            System.out.println(test + " skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    /** Skips the class (reason printed, the lab removed) unless what only the made lab can tell holds. */
    void skipUnless(boolean runnable, String reason) {
        if (!runnable) {
            try {
                close();
            } finally {
                skipIfReason(test, reason);
            }
        }
    }

    MultiHostLab lab() {
        return lab;
    }

    Path dir() {
        return dir;
    }

    /** The management node; it ships the jar the hosts run in routers (its md5 is what a connect compares). */
    TestNode startNode() {
        System.setProperty(HostAgentSettings.AGENT_JAR_PROPERTY, HostTesting.agentJar().toString());
        try {
            node = TestNode.start(TestDatabase.H2);
        } finally {
            System.clearProperty(HostAgentSettings.AGENT_JAR_PROPERTY);
        }
        return node;
    }

    /** Host agents pinged every second, Disconnected after two misses: a killed agent shows within seconds. */
    void pingHostsEverySecond() {
        ApiClient api = node.admin();
        api.ok("UpdateGlobalConfig", Map.of("category", "host", "name", "ping.interval", "value", "1"));
        api.ok("UpdateGlobalConfig", Map.of("category", "host", "name", "ping.maxMisses", "value", "2"));
    }

    /** @param progress the prefix of the world's printed steps */
    MultiHostWorld world(int hosts, String progress) {
        world = new MultiHostWorld(node.admin(), lab, hosts, dir.resolve("outside"), step -> System.out.println(progress + ": " + step));
        return world;
    }

    /** @param cpuCapacity CPUs each host reports */
    MultiHostWorld world(int hosts, String progress, long cpuCapacity) {
        world = new MultiHostWorld(node.admin(), lab, hosts, dir.resolve("outside"), step -> System.out.println(progress + ": " + step),
                cpuCapacity);
        return world;
    }

    /** What the test class started (listeners, conversations) is closed before the world, in the order added. */
    void closeFirst(Runnable... closers) {
        firstClosers.addAll(List.of(closers));
    }

    /**
     * Every step runs even when an earlier one fails; the lab may leave nothing. Safe to call again (a class's
     * {@code @AfterAll} after a failed or skipped {@code @BeforeAll} that already closed).
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Runnable> steps = new ArrayList<>(firstClosers);
        steps.add(() -> {
            if (world != null) {
                world.close();
            }
        });
        steps.add(() -> {
            if (node != null) {
                node.close();
            }
        });
        steps.add(lab::close);
        steps.add(() -> FileTrees.delete(dir));
        steps.add(() -> assertThat(lab.leftovers()).as("namespaces and links of the lab left").isEmpty());
        NetnsTeardown.run(null, steps.toArray(Runnable[]::new));
    }
}
