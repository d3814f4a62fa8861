package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dead host on real host agents, through the API and real packets (root; skipped with the reason printed
 * otherwise): a {@link MultiHostLab} of four hosts, the guest L3's router on host 1, a guest on host 2 and one on
 * host 3 (an EIP to guest 3, a forwarded port to guest 2), host 4 spare. Default {@code hostFailure} settings.
 * <ol>
 *   <li>host 1's agent alone is killed, its namespaces still forwarding: the witnesses reach it, nothing moves, no
 *       second router; the agent returns, the host is Connected, the router where it was;</li>
 *   <li>host 1 is powered off (every process killed, its namespaces deleted): the router is re-created on another
 *       host with the same addresses, its CPUs and memory reserved there and given back on host 1; the guests renew
 *       their leases, resolve names, reach the public side through SNAT; the EIP and the forwarded port answer;</li>
 *   <li>the router's new host is cut off the network: its agent fences the router (its addresses gone), the router
 *       comes back on a third host; plugged back, the host is Connected and what it still had of the router is
 *       removed: one router answers on the L3 throughout.</li>
 * </ol>
 * Everything carries the lab's prefix and is removed, also after a failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class DeadHostEndToEndTest {
    private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(30));
    @RegisterExtension
    static final MultiHostFixture fixture = new MultiHostFixture("DeadHostEndToEndTest", "vrouter-deadhost-");
    private static MultiHostLab lab;
    private static TestNode node;
    private static MultiHostWorld world;
    private static JsonNode guest2;
    private static JsonNode guest3;
    private static String routerUuid;
    private static String routerGuestIp;
    private static String routerPublicIp;
    private static String eipIp;
    private static String pfIp;
    private static final List<Process> listeners = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        fixture.closeFirst(() -> listeners.forEach(Process::destroyForcibly));
        lab = fixture.open();
        node = fixture.startNode();
        fixture.pingHostsEverySecond();
        ApiClient api = node.admin();
        world = fixture.world(4, "deadhost");
        guest2 = world.guestOn("guest2", world.host(2));
        guest3 = world.guestOn("guest3", world.host(3));
        JsonNode router = world.routersOn(world.guestL3).get(0);
        routerUuid = router.get("uuid").asText();
        routerGuestIp = SeedWorld.ipOn(router, world.guestL3);
        routerPublicIp = SeedWorld.ipOn(router, world.publicL3);
        for (JsonNode guest : List.of(guest2, guest3)) {
            String ip = SeedWorld.ipOn(guest, world.guestL3);
            GuestProbe probe = world.probe(guest);
            assertThat(GuestProbe.await(Duration.ofSeconds(60), () -> ip.equals(probe.address()) ? ip : null))
                    .as("the first lease of " + guest.get("name").asText()).isEqualTo(ip);
            listeners.add(GuestProbe.startPeerRecorder(world.namespaceOf(guest), ip, Outside.PORT));
        }
        JsonNode vip = api.inventory("CreateVip", "name", "eip-vip", "l3NetworkUuid", world.publicL3);
        eipIp = vip.get("ip").asText();
        api.inventory("CreateEip", "name", "eip", "vipUuid", vip.get("uuid").asText(),
                "vmNicUuid", guest3.get("vmNics").get(0).get("uuid").asText());
        JsonNode pfVip = api.inventory("CreateVip", "name", "pf-vip", "l3NetworkUuid", world.publicL3);
        pfIp = pfVip.get("ip").asText();
        api.inventory("CreatePortForwardingRule", "name", "pf", "vipUuid", pfVip.get("uuid").asText(), "vipPortStart", 2222,
                "privatePortStart", Outside.PORT, "protocolType", "TCP",
                "vmNicUuid", guest2.get("vmNics").get(0).get("uuid").asText());
        assertEveryServiceAnswers("before any host dies", List.of(guest2, guest3));
    }

    @Test
    @Order(1)
    void onlyTheAgentKilled_namespacesStillForward_noSecondRouter_agentBack_connectedNothingMoved() throws Exception {
        ApiClient api = node.admin();
        MultiHostLab.Host host1 = world.labHost(world.host(1));
        lab.killAgent(host1);
        assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> "Disconnected".equals(hostStatus(world.host(1))) ? "yes" : null))
                .as("host 1 Disconnected after missed pings").isEqualTo("yes");
        // well past the confirmation time (5 s): the witnesses reach host 1, so it is never confirmed dead
        long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        while (System.nanoTime() < until) {
            assertThat(router().get("hostUuid").asText()).as("the router stays on host 1").isEqualTo(world.host(1));
            assertThat(namespacesHolding(routerGuestIp)).as("one router answers for the guest L3").hasSize(1);
            Thread.sleep(500);
        }
        GuestProbe probe = world.probe(guest2);
        assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                .as("SNAT through the router of the agent-less host").isEqualTo(routerPublicIp);
        lab.startAgent(host1);
        assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> "Connected".equals(hostStatus(world.host(1))) ? "yes" : null))
                .as("host 1 Connected again").isEqualTo("yes");
        assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> "Connected".equals(router().get("status").asText()) ? "yes" : null))
                .as("the router Connected").isEqualTo("yes");
        assertThat(router().get("hostUuid").asText()).as("nothing moved").isEqualTo(world.host(1));
        assertThat(api.count("QueryVirtualRouterVm")).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aHostPoweredOff_itsRouterComesBackElsewhereWithTheSameAddresses_andEveryServiceAnswersAgain() {
        Map<String, JsonNode> before = hostsByUuid();
        long routerMemory = node.admin().query("QueryVmInstance", "uuid", "=", routerUuid).get(0).get("memorySize").asLong();
        long killed = System.nanoTime();
        lab.powerOff(world.labHost(world.host(1)));
        String newHost = awaitRouterConnectedOffHost(world.host(1), Duration.ofSeconds(90));
        System.out.printf("deadhost: router back on %s %.1f s after host 1 was powered off%n", world.hostName(newHost),
                (System.nanoTime() - killed) / 1e9);
        // placement takes the host with the most memory left: host 4, the one without guests, so that the cut-off of
        // the router's host below leaves both guests (the EIP's and the forwarded port's) to check
        assertThat(world.hostName(newHost)).as("the router on the host without guests").isEqualTo(world.hostName(world.host(4)));
        JsonNode router = router();
        assertThat(SeedWorld.ipOn(router, world.guestL3)).as("same guest address").isEqualTo(routerGuestIp);
        assertThat(SeedWorld.ipOn(router, world.publicL3)).as("same public address").isEqualTo(routerPublicIp);
        assertThat(hostStatus(world.host(1))).isEqualTo("Disconnected");

        Map<String, JsonNode> after = hostsByUuid();
        assertThat(after.get(newHost).get("availableMemoryCapacity").asLong()).as("the router's memory reserved on its new host")
                .isEqualTo(before.get(newHost).get("availableMemoryCapacity").asLong() - routerMemory);
        assertThat(after.get(world.host(1)).get("availableMemoryCapacity").asLong()).as("and given back on the dead host")
                .isEqualTo(before.get(world.host(1)).get("availableMemoryCapacity").asLong() + routerMemory);

        assertEveryServiceAnswers("after host 1 was powered off", List.of(guest2, guest3));
        System.out.printf("deadhost: guests renewed, resolved, went out through SNAT, EIP and forwarded port answered %.1f s"
                + " after the power-off%n", (System.nanoTime() - killed) / 1e9);
        assertThat(namespacesHolding(routerGuestIp)).as("one router answers for the guest L3").hasSize(1);
    }

    @Test
    @Order(3)
    void theRoutersHostCutOff_itFencesItsCopy_theRouterMoves_andWhenTheHostReturnsItsCopyIsRemoved() throws Exception {
        String cut = router().get("hostUuid").asText();
        MultiHostLab.Host cutHost = world.labHost(cut);
        String copy = cutHost.namePrefix() + "-" + routerUuid;
        for (JsonNode guest : List.of(guest2, guest3)) {
            assertThat(guest.get("hostUuid").asText()).as(guest.get("name").asText() + " is not on the host to be cut off,"
                    + " so every service is checked after the cut").isNotEqualTo(cut);
        }
        // the checks below read a missing namespace as fenced and gone: first show that the copy is there
        assertThat(namespacesHolding(routerGuestIp)).as("the router's copy on the host to be cut off").containsExactly(copy);
        lab.cutOff(cutHost);
        assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> addressesIn(copy).contains(routerGuestIp + "/") ? null : "fenced"))
                .as("the cut-off host fenced its router (its addresses gone)").isEqualTo("fenced");
        String newHost = awaitRouterConnectedOffHost(cut, Duration.ofSeconds(90));
        System.out.println("deadhost: router moved from the cut-off " + world.hostName(cut) + " to " + world.hostName(newHost));
        assertThat(namespacesHolding(routerGuestIp)).as("one router answers for the guest L3").hasSize(1);
        assertEveryServiceAnswers("after the router's host was cut off", List.of(guest2, guest3));

        lab.reconnect(cutHost);
        assertThat(GuestProbe.await(Duration.ofSeconds(60), () -> "Connected".equals(hostStatus(cut)) ? "yes" : null))
                .as("the host Connected again").isEqualTo("yes");
        assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> namespaceExists(copy) ? null : "gone"))
                .as("what it still had of the router removed").isEqualTo("gone");
        assertThat(router().get("hostUuid").asText()).as("the router stays where it moved").isEqualTo(newHost);
        assertThat(router().get("status").asText()).isEqualTo("Connected");
        assertThat(namespacesHolding(routerGuestIp)).as("one router answers for the guest L3").hasSize(1);
    }

    // ---------------------------------------------------------------- helpers

    /** Each guest renews its lease from the router, resolves a name, goes out through SNAT; the EIP and the PF answer. */
    private static void assertEveryServiceAnswers(String when, List<JsonNode> guests) {
        for (JsonNode guest : guests) {
            String name = guest.get("name").asText();
            String ip = SeedWorld.ipOn(guest, world.guestL3);
            GuestProbe probe = world.probe(guest);
            assertThat(GuestProbe.await(Duration.ofSeconds(60), () -> probe.renewLease(ip)))
                    .as(name + " renews its lease " + when).isEqualTo(ip);
            assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> probe.resolve(SeedWorld.OUTSIDE_NAME)))
                    .as(name + " resolves a name " + when).isEqualTo(SeedWorld.OUTSIDE_IP);
            String expectedSource = guest.get("uuid").asText().equals(guest3.get("uuid").asText()) ? eipIp : routerPublicIp;
            assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> probe.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                    .as(name + " goes out (SNAT, or its EIP) " + when).isEqualTo(expectedSource);
        }
        GuestProbe outside = new GuestProbe(world.outside.namespace());
        for (JsonNode guest : guests) {
            boolean hasEip = guest.get("uuid").asText().equals(guest3.get("uuid").asText());
            String target = hasEip ? eipIp : pfIp;
            int port = hasEip ? Outside.PORT : 2222;
            assertThat(GuestProbe.await(Duration.ofSeconds(30), () -> outside.sourceSeenBy(target, port)))
                    .as((hasEip ? "the EIP" : "the forwarded port") + " answers " + when).isEqualTo(SeedWorld.OUTSIDE_IP);
        }
    }

    /** Waits until the router is Connected on a host other than {@code notOn}; returns that host. */
    private static String awaitRouterConnectedOffHost(String notOn, Duration timeout) {
        String host = GuestProbe.await(timeout, () -> {
            JsonNode r = router();
            return !r.get("hostUuid").asText().equals(notOn) && "Connected".equals(r.get("status").asText())
                    && "Running".equals(r.get("state").asText()) ? r.get("hostUuid").asText() : null;
        });
        assertThat(host).as("the router Running and Connected on another host than " + world.hostName(notOn)).isNotNull();
        return host;
    }

    private static JsonNode router() {
        return node.admin().query("QueryVirtualRouterVm", "uuid", "=", routerUuid).get(0);
    }

    private static String hostStatus(String hostUuid) {
        return node.admin().query("QueryHost", "uuid", "=", hostUuid).get(0).get("status").asText();
    }

    private static Map<String, JsonNode> hostsByUuid() {
        Map<String, JsonNode> hosts = new HashMap<>();
        node.admin().query("QueryHost", "clusterUuid", "=", world.cluster).forEach(h -> hosts.put(h.get("uuid").asText(), h));
        return hosts;
    }

    /** The lab's namespaces where {@code ip} is configured on a link that is up: each is a router answering for it. */
    private static List<String> namespacesHolding(String ip) {
        return RUNNER.run(List.of("ip", "netns", "list"), null).stdout().lines().map(l -> l.split("\\s+")[0])
                .filter(ns -> ns.startsWith(lab.prefix())).filter(ns -> addressesIn(ns).contains(" " + ip + "/")).toList();
    }

    private static String addressesIn(String ns) {
        return RUNNER.run(List.of("ip", "-n", ns, "-4", "-o", "addr", "show", "up"), null).stdout();
    }

    private static boolean namespaceExists(String ns) {
        return RUNNER.run(List.of("ip", "netns", "list"), null).stdout().lines().anyMatch(l -> l.split("\\s+")[0].equals(ns));
    }
}
