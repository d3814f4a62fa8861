package io.vrouter.server.vrouter;

import io.vrouter.server.hypervisor.simulator.SimulatorHypervisor;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestNode;
import io.vrouter.server.testing.ThreeHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A host under VRRP pairs dies (the Simulator's power-off): each of its pair routers is re-created on a host apart from
 * its partner's whenever one can take it, so the pair again spans two hosts. Several pairs, so a placement that
 * ignored the partner (a random pick among the two remaining hosts) would put some of them together.
 */
class HaPairHostDeathTest {
    private TestNode node;
    private RouterFixture f;
    private SimulatorHypervisor simulator;
    private ThreeHosts hosts;

    @BeforeEach
    void setUp() {
        hosts = ThreeHosts.start(75);
        node = hosts.node();
        f = hosts.seed();
        simulator = hosts.simulator();
    }

    @AfterEach
    void tearDown() {
        node.close();
    }

    /** Where the node has the router now (the Simulator has no copy of it while it is being re-created). */
    private String hostOf(String vr) {
        return new RouterFixture.Reader(node.admin()).router(vr).get("hostUuid").asText();
    }

    private List<String> routersOf(String l3) {
        List<String> uuids = new ArrayList<>();
        f.routersOn(l3).forEach(r -> uuids.add(r.get("uuid").asText()));
        return uuids;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aDeadHostsPairRoutersComeBackApartFromTheirPartners() {
        // every pair on hosts A and B (C disabled while they are made)
        node.admin().ok("ChangeHostState", Map.of("uuid", hosts.c(), "stateEvent", "disable"));
        List<String> l3s = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String l3 = f.guestL3("ha" + i, "10.75." + (10 + i) + ".0/24", List.of("DHCP", "DNS", "SNAT"));
            node.admin().ok("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", l3, "tag", "virtualRouterHa::VRRP"));
            f.userVm("g" + i, l3);
            List<String> pair = routersOf(l3);
            assertThat(pair).hasSize(2);
            assertThat(List.of(hostOf(pair.get(0)), hostOf(pair.get(1)))).containsExactlyInAnyOrder(hosts.a(), hosts.b());
            l3s.add(l3);
        }
        node.admin().ok("ChangeHostState", Map.of("uuid", hosts.c(), "stateEvent", "enable"));

        simulator.powerOff(hosts.a());
        for (String l3 : l3s) {
            await().atMost(Duration.ofSeconds(60)).until(() -> routersOf(l3).stream().noneMatch(vr -> hosts.a().equals(hostOf(vr)))
                    && routersOf(l3).stream().allMatch(vr -> simulator.vm(vr).isPresent()));
            List<String> pair = routersOf(l3);
            assertThat(pair).hasSize(2);
            assertThat(List.of(hostOf(pair.get(0)), hostOf(pair.get(1)))).as("the pair of " + l3 + " on two hosts again")
                    .containsExactlyInAnyOrder(hosts.b(), hosts.c());
        }
    }
}
