package io.vrouter.server.hostfailure;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.hypervisor.simulator.SimulatorHypervisor;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestNode;
import io.vrouter.server.testing.ThreeHosts;
import io.vrouter.server.vrouter.RouterStateChecker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A host's death on the Simulator, whose hosts can lose their agent, be cut off the network or be powered off: the
 * routers of a dead host come back on another host with the same nics and fully synced; a host whose agent alone
 * died keeps its routers; a host that returns loses what it still held of routers that moved before it is Connected.
 * Throughout, a sampler checks that no router has two forwarding copies (same addresses answering on one L3).
 */
class RouterFailoverTest {
    private TestNode node;
    private RouterFixture f;
    private SimulatorHypervisor simulator;
    private ThreeHosts hosts;
    private final List<String> routers = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> twoLiveCopies = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private Thread sampler;

    @BeforeEach
    void setUp() {
        hosts = ThreeHosts.start(70);
        node = hosts.node();
        f = hosts.seed();
        simulator = hosts.simulator();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        sampling.set(false);
        if (sampler != null) {
            sampler.join();
        }
        node.close();
    }

    /** {@code count} guest L3s whose routers run on host A, each with a guest on host B and one on host C. */
    private void routersOnHostA(int count) {
        for (int i = 0; i < count; i++) {
            String l3 = i == 0 ? f.guestL3 : f.guestL3("guest" + i, "10.7" + i + ".0.0/24", List.of("DHCP", "DNS", "SNAT"));
            only(hosts.a());
            f.userVm("ga" + i, l3);
            only(hosts.b());
            f.userVm("gb" + i, l3);
            only(hosts.c());
            f.userVm("gc" + i, l3);
            routers.add(f.routersOn(l3).get(0).get("uuid").asText());
        }
        for (String h : List.of(hosts.a(), hosts.b(), hosts.c())) {
            node.admin().ok("ChangeHostState", Map.of("uuid", h, "stateEvent", "enable"));
        }
        for (String vr : routers) {
            assertThat(hostOf(vr)).isEqualTo(hosts.a());
        }
    }

    private void only(String host) {
        for (String h : List.of(hosts.a(), hosts.b(), hosts.c())) {
            node.admin().ok("ChangeHostState", Map.of("uuid", h, "stateEvent", h.equals(host) ? "enable" : "disable"));
        }
    }

    private JsonNode router(String vr) {
        return new RouterFixture.Reader(node.admin()).router(vr);
    }

    private String hostOf(String vr) {
        return router(vr).get("hostUuid").asText();
    }

    private String hostStatus(String host) {
        return node.admin().ok("QueryHost", Map.of("conditions", List.of(Map.of("name", "uuid", "op", "=", "value", host))))
                .get("inventories").get(0).get("status").asText();
    }

    /** ip and mac of each nic, by L3. */
    private Map<String, String> addresses(String vr) {
        Map<String, String> out = new HashMap<>();
        router(vr).get("vmNics").forEach(n -> out.put(n.get("l3NetworkUuid").asText(), n.get("ip").asText() + " " + n.get("mac").asText()));
        return out;
    }

    private void sampleTwoLiveCopies() {
        sampler = new Thread(() -> {
            while (sampling.get()) {
                for (String vr : routers) {
                    List<String> on = simulator.forwardingCopies(vr);
                    if (on.size() > 1) {
                        twoLiveCopies.add("router " + vr + " forwards on hosts " + on);
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "two-copies-sampler");
        sampler.start();
    }

    private void awaitEveryRouterBackOffHostA() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (String vr : routers) {
                JsonNode r = router(vr);
                assertThat(r.get("hostUuid").asText()).as("host of " + vr).isIn(hosts.b(), hosts.c());
                assertThat(r.get("state").asText()).isEqualTo("Running");
                assertThat(r.get("status").asText()).isEqualTo("Connected");
            }
        });
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aPoweredOffHostsRoutersComeBackElsewhereWithTheirAddressesFullySynced_andTheHostReturnsEmpty() {
        routersOnHostA(3);
        Map<String, Map<String, String>> before = new HashMap<>();
        routers.forEach(vr -> before.put(vr, addresses(vr)));
        sampleTwoLiveCopies();
        routers.forEach(vr -> node.agents().dataplane(vr).orElseThrow().clearLog());

        simulator.powerOff(hosts.a());
        awaitEveryRouterBackOffHostA();

        assertThat(hostStatus(hosts.a())).isEqualTo("Disconnected");
        for (String vr : routers) {
            assertThat(addresses(vr)).as("nics of " + vr + " (L3 -> ip mac)").isEqualTo(before.get(vr));
            assertThat(simulator.vm(vr).orElseThrow().spec().hostUuid()).isIn(hosts.b(), hosts.c());
            // the new copy was initialised and sent everything: DHCP of the guests on B and C (the one on A is dead but
            // still Running in the database: its entry stays, as ZStack keeps it for an Unknown VM)
            List<String> sent = node.agents().dataplane(vr).orElseThrow().commandPaths();
            assertThat(sent).as("commands to the re-created " + vr).anyMatch(p -> p.endsWith("/init")).anyMatch(p -> p.contains("dhcp"));
            assertThat(RouterStateChecker.assertInSync(node, vr).dhcp()).hasSize(3);
        }

        simulator.recover(hosts.a()); // powered on again: empty
        await().atMost(Duration.ofSeconds(30)).until(() -> hostStatus(hosts.a()).equals("Connected"));
        routers.forEach(vr -> assertThat(hostOf(vr)).isIn(hosts.b(), hosts.c()));
        assertThat(simulator.copiesOn(hosts.a())).doesNotContainAnyElementsOf(routers);
        assertThat(twoLiveCopies).isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aHostWhoseAgentAloneDiedKeepsItsRouters() throws InterruptedException {
        routersOnHostA(1);
        String vr = routers.get(0);
        sampleTwoLiveCopies();
        simulator.killHostAgent(hosts.a());
        // three confirmation times: a dead host would have been confirmed and its router moved by now
        Thread.sleep(Duration.ofSeconds(6).toMillis());
        assertThat(hostOf(vr)).isEqualTo(hosts.a());
        assertThat(router(vr).get("status").asText()).isEqualTo("Connected");
        assertThat(hostStatus(hosts.a())).as("not confirmed dead").isEqualTo("Connected");

        simulator.recover(hosts.a());
        Thread.sleep(Duration.ofSeconds(2).toMillis());
        assertThat(hostOf(vr)).isEqualTo(hosts.a());
        assertThat(router(vr).get("status").asText()).isEqualTo("Connected");
        assertThat(simulator.forwardingCopies(vr)).containsExactly(hosts.a());
        assertThat(twoLiveCopies).isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aHostWhoseAgentStaysLostIsDisconnectedItsVmsUnknown_andConnectedItsVmsRunningWhenItAnswers() {
        routersOnHostA(1);
        String vr = routers.get(0);
        var configs = node.node().globalConfigs();
        configs.update(HostFailureSettings.HOST_CATEGORY, HostFailureSettings.PING_INTERVAL, "1");
        configs.update(HostFailureSettings.HOST_CATEGORY, HostFailureSettings.MAX_MISSES, "2");
        simulator.killHostAgent(hosts.a());
        await().atMost(Duration.ofSeconds(30)).until(() -> hostStatus(hosts.a()).equals("Disconnected"));
        assertThat(vmStatesOn(hosts.a())).as("the VMs of the agent-less host").isNotEmpty().containsOnly("Unknown");
        assertThat(hostOf(vr)).as("not dead: nothing moves").isEqualTo(hosts.a());

        simulator.recover(hosts.a());
        await().atMost(Duration.ofSeconds(30)).until(() -> hostStatus(hosts.a()).equals("Connected"));
        assertThat(vmStatesOn(hosts.a())).containsOnly("Running");
        assertThat(hostOf(vr)).isEqualTo(hosts.a());
        assertThat(simulator.forwardingCopies(vr)).containsExactly(hosts.a());
    }

    private List<String> vmStatesOn(String host) {
        List<String> states = new ArrayList<>();
        node.admin().ok("QueryVmInstance", Map.of("conditions", List.of(Map.of("name", "hostUuid", "op", "=", "value", host))))
                .get("inventories").forEach(vm -> states.add(vm.get("state").asText()));
        return states;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aHostCutOffAndBackLosesItsCopyOfTheMovedRouterBeforeItIsConnected() {
        routersOnHostA(1);
        String vr = routers.get(0);
        sampleTwoLiveCopies();
        simulator.isolate(hosts.a());
        awaitEveryRouterBackOffHostA();
        String now = hostOf(vr);
        assertThat(simulator.copiesOn(hosts.a())).as("what the cut-off host still holds").contains(vr);

        simulator.recover(hosts.a());
        await().atMost(Duration.ofSeconds(30)).until(() -> hostStatus(hosts.a()).equals("Connected"));
        assertThat(simulator.copiesOn(hosts.a())).as("the stale copy is destroyed before the host is Connected").doesNotContain(vr);
        assertThat(simulator.forwardingCopies(vr)).containsExactly(now);
        assertThat(router(vr).get("status").asText()).isEqualTo("Connected");
        RouterStateChecker.assertInSync(node, vr);
        assertThat(twoLiveCopies).isEmpty();
    }
}
