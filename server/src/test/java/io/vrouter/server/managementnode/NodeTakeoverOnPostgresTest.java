package io.vrouter.server.managementnode;

import io.vrouter.server.testing.PostgresServer;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestNode;
import io.vrouter.server.vrouter.VirtualRouterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two management nodes on one PostgreSQL database, ten Simulator hosts split between them, routers on both halves.
 * One node is killed (its heartbeats and renewals stop dead, nothing handed over): the other takes every host within
 * the router ping interval, every router stays Connected throughout, and the survivor now watches the routers of the
 * hosts it took (a silenced agent is noticed and reconnected by it).
 */
class NodeTakeoverOnPostgresTest {
    private static final int HOSTS = 10;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theSurvivorTakesTheKilledNodesHostsAndEveryRouterStaysConnected() throws Exception {
        String url = PostgresServer.newDatabaseOrSkip();
        try (TestNode first = TestNode.startOn(url)) {
            var configs = first.node().globalConfigs();
            configs.update(MembershipSettings.CATEGORY, MembershipSettings.HEARTBEAT_INTERVAL, "1");
            configs.update(MembershipSettings.CATEGORY, MembershipSettings.HEARTBEAT_TIMEOUT, "3");
            configs.update(VirtualRouterSettings.VR, VirtualRouterSettings.PING_INTERVAL, "1");
            try (TestNode second = TestNode.startOn(url, first)) { // reads the settings above from the database
                ManagementNodes a = first.node().managementNodes();
                ManagementNodes b = second.node().managementNodes();
                RouterFixture f = new RouterFixture(first.admin(), 80);
                List<String> hosts = new ArrayList<>(List.of(f.zone.hostUuid()));
                for (int i = 1; i < HOSTS; i++) {
                    hosts.add(f.infra.host(f.zone.clusterUuid()));
                }
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Set<String> tracked = new HashSet<>(a.ownedHosts());
                    assertThat(b.ownedHosts()).doesNotContainAnyElementsOf(tracked);
                    tracked.addAll(b.ownedHosts());
                    assertThat(tracked).containsExactlyInAnyOrderElementsOf(hosts);
                    assertThat(a.ownedHosts()).isNotEmpty();
                    assertThat(b.ownedHosts()).isNotEmpty();
                });
                String hostOfA = a.ownedHosts().iterator().next();
                String hostOfB = b.ownedHosts().iterator().next();

                // two routers on a host of the node to be killed, one on a host of the survivor
                List<String> routers = new ArrayList<>();
                List<String> placements = List.of(hostOfA, hostOfA, hostOfB);
                for (int i = 0; i < placements.size(); i++) {
                    String l3 = f.guestL3("guest" + i, "10.8" + i + ".0.0/24", List.of("DHCP", "DNS", "SNAT"));
                    for (String h : hosts) {
                        first.admin().ok("ChangeHostState", Map.of("uuid", h, "stateEvent", h.equals(placements.get(i)) ? "enable" : "disable"));
                    }
                    f.userVm("g" + i, l3);
                    routers.add(f.routersOn(l3).get(0).get("uuid").asText());
                }
                hosts.forEach(h -> first.admin().ok("ChangeHostState", Map.of("uuid", h, "stateEvent", "enable")));

                var dsl = second.node().database().dsl();
                ConcurrentLinkedQueue<String> notConnected = new ConcurrentLinkedQueue<>();
                AtomicBoolean sampling = new AtomicBoolean(true);
                Thread sampler = new Thread(() -> {
                    while (sampling.get()) {
                        for (String vr : routers) {
                            String status = dsl.fetchValue("select status from appliance_vm where uuid = ?", vr).toString();
                            if (!"Connected".equals(status)) {
                                notConnected.add(vr + " was " + status);
                            }
                        }
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.start();

                Set<String> killedNodesHosts = a.ownedHosts();
                long killed = System.nanoTime();
                a.haltAsIfKilled();
                // within the router ping interval's default: long before a router would have been found Disconnected
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                        .untilAsserted(() -> assertThat(b.ownedHosts()).containsExactlyInAnyOrderElementsOf(hosts));
                System.out.printf("the survivor tracked the killed node's %d hosts %.1f s after the kill%n",
                        killedNodesHosts.size(), (System.nanoTime() - killed) / 1e9);
                assertThat(a.ownedHosts()).as("the killed node's own view lapsed").isEmpty();
                Thread.sleep(3_000); // a few ping rounds of the survivor over the routers it took
                sampling.set(false);
                sampler.join();
                assertThat(notConnected).as("routers seen not Connected").isEmpty();

                // the survivor watches the routers it took: a silenced agent is found and reconnected by it
                String taken = routers.get(0);
                first.node().simulatorAgents().silence(taken);
                await().atMost(Duration.ofSeconds(20)).until(() -> "Disconnected".equals(
                        dsl.fetchValue("select status from appliance_vm where uuid = ?", taken).toString()));
                first.node().simulatorAgents().restartAgent(taken); // the simulated router (its secret is known where it booted)
                await().atMost(Duration.ofSeconds(30)).until(() -> "Connected".equals(
                        dsl.fetchValue("select status from appliance_vm where uuid = ?", taken).toString()));
            }
        }
    }
}
