package io.vrouter.tools.demo;

import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.HostAgentSettings;
import io.vrouter.hostagent.HostTesting;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.platform.files.FileTrees;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start and end every multi-host root test class shares (registered as its static extension): skip with the
 * reason printed unless a {@link MultiHostLab} can be made here, the lab in a temporary directory, a management node
 * on H2 that ships the host agent jar, the {@link MultiHostWorld} on top; and after the class everything closed (what
 * the class added first), nothing of the lab left behind.
 */
final class MultiHostFixture implements AfterAllCallback {
    private final String test;
    private final String dirPrefix;
    private final Supplier<String> otherReason;
    private final List<Runnable> firstClosers = new ArrayList<>();
    private Path dir;
    private MultiHostLab lab;
    private TestNode node;
    private MultiHostWorld world;

    /**
     * @param test      the test class's name, as its skip message starts
     * @param dirPrefix the temporary directory's
     */
    MultiHostFixture(String test, String dirPrefix) {
        this(test, dirPrefix, () -> null);
    }

    /** @param otherReason why the class cannot run here beyond the lab's own needs (null when it can); asked only when a lab can be made */
    MultiHostFixture(String test, String dirPrefix, Supplier<String> otherReason) {
        this.test = test;
        this.dirPrefix = dirPrefix;
        this.otherReason = otherReason;
    }

    /** The lab, or the test class skipped (with the reason printed) when this machine cannot make one. */
    MultiHostLab open() throws IOException {
        String reason = MultiHostLab.unavailableReason();
        if (reason == null) {
            reason = otherReason.get();
        }
        skipIfReason(reason);
        dir = Files.createTempDirectory(dirPrefix);
        lab = MultiHostLab.create(dir.resolve("lab"));
        return lab;
    }

    private void skipIfReason(String reason) {
        if (reason != null) {
            System.out.println(test + " skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    /** Skips the class (reason printed; the lab removed after) unless what only the made lab can tell holds. */
    void skipUnless(boolean runnable, String reason) {
        skipIfReason(runnable ? null : reason);
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

    /** A host whose agent missed two seconds of probes is Disconnected: a killed agent shows within seconds. */
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
     * After the class's {@code @AfterAll} methods, also when its {@code @BeforeAll} failed or skipped it: every step
     * runs even when an earlier one fails; the lab may leave nothing.
     */
    @Override
    public void afterAll(ExtensionContext context) {
        if (lab == null) {
            return;
        }
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
