package io.vrouter.hostagent;

import io.vrouter.platform.process.CommandRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pieces act on the host they are given and on nothing else: two {@link NetnsHost}s (two installations, each
 * with its own prefix, fabric and work dir, on this machine), VMs plumbed on each by {@link VmNamespaces}, and
 * {@link HostCleanup#removeAllBut} on one of them removing only that host's unwanted VM. As root; every name carries
 * the fresh prefixes of the run, removed after it.
 */
@Timeout(120)
class HostCleanupTest {
    private static final String L2 = "33333333333333333333333333333333";
    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20));
    private final List<Pieces> hosts = new ArrayList<>();

    private record Pieces(NetnsHost host, Fabric fabric, VmNamespaces namespaces, HostCleanup cleanup) {
        static Pieces on(NetnsHost host) {
            Fabric fabric = new Fabric(host, BigTcp.of(0));
            VmNamespaces namespaces = new VmNamespaces(host, fabric);
            return new Pieces(host, fabric, namespaces, new HostCleanup(host, fabric, namespaces));
        }
    }

    @BeforeEach
    void setUp(@TempDir Path dir) {
        String reason = new HostCheck().problems();
        Assumptions.assumeTrue(reason == null, () -> "needs a Netns-capable host: " + reason);
        LinuxHost kernel = new LinuxHost();
        hosts.add(Pieces.on(NetnsHost.open("host-a", dir.resolve("a"), null, kernel)));
        hosts.add(Pieces.on(NetnsHost.open("host-b", dir.resolve("b"), null, kernel)));
    }

    @AfterEach
    void tearDown() {
        for (Pieces p : hosts) {
            p.cleanup().removeEverything();
            assertThat(HostTesting.leftovers(p.host().names().prefix())).isEmpty();
        }
    }

    private static VmNamespaces.VmNetwork vm(String uuid, String nicUuid, String address) {
        return new VmNamespaces.VmNetwork(uuid, "vm-" + uuid.substring(0, 4), List.of(new VmNamespaces.Nic(nicUuid, 0,
                "fa:16:3e:00:02:" + uuid.substring(0, 2), Fabric.L2.withoutVlan(L2), address, null)));
    }

    @Test
    void removeAllBut_removesOnlyTheUnwantedVmsOfTheHostItIsGiven() throws Exception {
        Pieces a = hosts.get(0);
        Pieces b = hosts.get(1);
        assertThat(a.host().names().prefix()).isNotEqualTo(b.host().names().prefix());
        VmNamespaces.VmNetwork kept = vm("a1000000000000000000000000000000", "a1100000000000000000000000000000", "10.9.1.10/24");
        VmNamespaces.VmNetwork stray = vm("a2000000000000000000000000000000", "a2100000000000000000000000000000", null);
        VmNamespaces.VmNetwork other = vm("b1000000000000000000000000000000", "b1100000000000000000000000000000", null);
        a.namespaces().ensure(kept);
        a.namespaces().ensure(kept); // idempotent: the address is replaced, not added twice
        a.namespaces().ensure(stray);
        b.namespaces().ensure(other);
        Files.createDirectories(a.host().vmDir(stray.vmUuid()));

        a.cleanup().removeAllBut(Set.of(kept.vmUuid()));

        assertThat(namespaceExists(a.namespaces().namespaceOf(kept.vmUuid()))).isTrue();
        assertThat(namespaceExists(a.namespaces().namespaceOf(stray.vmUuid()))).as("the stray of host a").isFalse();
        assertThat(a.host().vmDir(stray.vmUuid())).as("the stray's files").doesNotExist();
        assertThat(namespaceExists(b.namespaces().namespaceOf(other.vmUuid()))).as("host b is not host a's business").isTrue();
        assertThat(runner.check(List.of("ip", "-n", a.namespaces().namespaceOf(kept.vmUuid()), "-4", "-o", "addr", "show",
                "dev", "eth0"), null).stdout().lines().filter(l -> l.contains("10.9.1.10/24")).count()).isEqualTo(1);
        // each host's L2 is its own bridge, in its own fabric
        assertThat(runner.check(List.of("ip", "-n", b.fabric().namespace(), "-o", "link", "show"), null).stdout())
                .contains(b.host().names().bridge(L2)).doesNotContain(a.host().names().prefix());
    }

    private static boolean namespaceExists(String ns) {
        return Files.exists(Path.of("/run/netns", ns));
    }
}
