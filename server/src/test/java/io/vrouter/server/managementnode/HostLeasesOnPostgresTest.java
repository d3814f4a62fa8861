package io.vrouter.server.managementnode;

import io.vrouter.server.Clock;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.db.Database;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.testing.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Several management nodes' memberships on one PostgreSQL database, each with its own connection pool as separate
 * processes would have: every host tracked by exactly one node at every moment, a node that stops heart-beating
 * loses its hosts to the others within the lease's timeout plus a round, a node that leaves hands them over at once.
 */
class HostLeasesOnPostgresTest {
    private static final int HOSTS = 30;

    private final List<String> hosts = IntStream.range(0, HOSTS).mapToObj(i -> Uuid.random()).toList();
    private final List<Database> databases = new ArrayList<>();
    private final List<ManagementNodes> nodes = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> overlaps = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private String url;
    private Thread sampler;

    @BeforeEach
    void database() {
        PostgresServer pg = PostgresServer.shared().orElse(null);
        assumeTrue(pg != null, () -> "PostgreSQL tests skipped: " + PostgresServer.unavailableReason());
        url = pg.newDatabase();
    }

    @AfterEach
    void stop() throws InterruptedException {
        sampling.set(false);
        if (sampler != null) {
            sampler.join();
        }
        nodes.forEach(ManagementNodes::close);
        databases.forEach(Database::close);
    }

    /** A membership on its own pool; the first one sets 1 s heartbeats and a 2 s timeout for all. */
    private ManagementNodes node(boolean start) {
        Database db = Database.open(url, null, null, 4);
        databases.add(db);
        GlobalConfigs configs = new GlobalConfigs(db.dsl(), Clock.SYSTEM);
        ManagementNodes node = new ManagementNodes(db.dsl(), Clock.SYSTEM, configs, () -> hosts, "node-" + nodes.size());
        configs.update(MembershipSettings.CATEGORY, MembershipSettings.HEARTBEAT_INTERVAL, "1");
        configs.update(MembershipSettings.CATEGORY, MembershipSettings.HEARTBEAT_TIMEOUT, "2");
        nodes.add(node);
        if (start) {
            node.start();
        }
        return node;
    }

    /** Checks, every few milliseconds, that no host is in two nodes' views at once. */
    private void sampleOverlaps() {
        sampler = new Thread(() -> {
            while (sampling.get()) {
                Map<String, String> holder = new HashMap<>();
                for (ManagementNodes n : List.copyOf(nodes)) {
                    for (String h : n.ownedHosts()) {
                        String other = holder.putIfAbsent(h, n.uuid());
                        if (other != null) {
                            overlaps.add("host " + h + " tracked by " + other + " and " + n.uuid());
                        }
                    }
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "overlap-sampler");
        sampler.start();
    }

    private Map<String, Set<String>> views() {
        Map<String, Set<String>> views = new HashMap<>();
        nodes.forEach(n -> views.put(n.uuid(), n.ownedHosts()));
        return views;
    }

    private void awaitEveryHostTrackedBy(List<ManagementNodes> by, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            List<String> tracked = new ArrayList<>();
            by.forEach(n -> tracked.addAll(n.ownedHosts()));
            assertThat(tracked).as("hosts tracked by the live nodes").containsExactlyInAnyOrderElementsOf(hosts);
        });
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void threeNodesShareTheHosts_aKilledOneLosesThemWithinTheTimeout_aLeavingOneAtOnce() {
        ManagementNodes a = node(true);
        ManagementNodes b = node(true);
        ManagementNodes c = node(true);
        sampleOverlaps();
        // the hashing spreads the hosts: every node gets some once the first node hands the others theirs
        awaitEveryHostTrackedBy(List.of(a, b, c), Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(views().values()).allSatisfy(v -> assertThat(v).isNotEmpty()));

        Set<String> hadByA = a.ownedHosts();
        long killed = System.nanoTime();
        a.haltAsIfKilled();
        awaitEveryHostTrackedBy(List.of(b, c), Duration.ofSeconds(10));
        double takeover = (System.nanoTime() - killed) / 1e9;
        assertThat(a.ownedHosts()).as("a killed node's own view lapses").isEmpty();
        // bounded by the await above; the lease's timeout (2 s) plus at most two rounds (1 s each) is what to expect
        System.out.printf("the killed node's %d hosts were taken after %.1f s%n", hadByA.size(), takeover);

        long left = System.nanoTime();
        b.close();
        awaitEveryHostTrackedBy(List.of(c), Duration.ofSeconds(5));
        System.out.printf("a leaving node's hosts were taken after %.1f s%n", (System.nanoTime() - left) / 1e9);
        assertThat(overlaps).as("moments where two nodes tracked one host").isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void racingRoundsWithStallingNodesNeverLetTwoNodesTrackAHost() throws Exception {
        List<ManagementNodes> racers = List.of(node(false), node(false), node(false), node(false));
        racers.forEach(ManagementNodes::joinWithoutTimer); // the threads below drive the rounds
        sampleOverlaps();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (ManagementNodes n : racers) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < until) {
                    n.round();
                    // mostly on time; sometimes stalled past the lease, so leases lapse and are taken while racing
                    long pause = ThreadLocalRandom.current().nextInt(100) < 5 ? 2_500 : ThreadLocalRandom.current().nextInt(300);
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "racer");
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(overlaps).as("moments where two nodes tracked one host").isEmpty();
        // and the database agrees with itself: one row per host
        try (Database db = Database.open(url, null, null, 2)) {
            assertThat(db.dsl().fetchCount(ManagementNodeTables.TRACKER)).isEqualTo(HOSTS);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aJoiningNodeIsHandedItsShareWithoutAnyHostGoingUntracked() {
        ManagementNodes a = node(true);
        awaitEveryHostTrackedBy(List.of(a), Duration.ofSeconds(5));
        sampleOverlaps();
        ManagementNodes b = node(true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.ownedHosts()).isNotEmpty());
        awaitEveryHostTrackedBy(List.of(a, b), Duration.ofSeconds(5));
        assertThat(b.ownedHosts()).allSatisfy(h -> assertThat(ManagementNodes.preferredNode(h, List.of(a.uuid(), b.uuid()))).isEqualTo(b.uuid()));
        assertThat(overlaps).isEmpty();
    }
}
