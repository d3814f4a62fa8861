package io.vrouter.server.vrouter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestDatabase;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plain router's L3 tagged {@code virtualRouterHa::VRRP} is turned into a pair with the new router held in FAULT
 * until the plain router is gone (one gateway on the L2 at any time). The hold is in the database: a node restarted
 * in the middle, whose memory is new, still holds the new router, and its pair keeper finishes the conversion.
 */
class HaConversionHoldTest extends NodeContract {

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }

    private List<String> routersOf(String l3) {
        List<String> uuids = new ArrayList<>();
        new RouterFixture.Reader(admin).routersOn(l3).forEach(r -> uuids.add(r.get("uuid").asText()));
        return uuids;
    }

    private DesiredRouterState.State desired(String vr) {
        return node.node().virtualRouters().desiredStateOf(vr);
    }

    @Test
    void aNodeRestartedMidConversionKeepsTheNewRouterHeldThenFinishes() {
        RouterFixture f = new RouterFixture(admin, 90);
        // the pair keeper runs only when the test says so (its round is the ping round)
        admin.ok("UpdateGlobalConfig", Map.of("category", "virtualRouter", "name", "ping.interval", "value", "3600"));
        String l3 = f.guestL3("plain-then-ha", "10.90.21.0/24", List.of("DHCP", "DNS", "SNAT"));
        JsonNode vm = f.userVm("web", l3);
        String plain = routersOf(l3).get(0);
        JsonNode plainVm = new RouterFixture.Reader(admin).router(plain);
        // the conversion stops after the held router is made, before the plain one is gone
        node.node().simulator().failNext("destroy", plainVm.get("name").asText());
        admin.ok("CreateSystemTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", l3, "tag", "virtualRouterHa::VRRP"));
        node.node().virtualRouters().pingTracker().pingAll();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> routersOf(l3).size() == 2
                && routersOf(l3).stream().filter(r -> !r.equals(plain)).allMatch(r -> "Connected".equals(
                        new RouterFixture.Reader(admin).router(r).get("status").asText())));
        String held = routersOf(l3).stream().filter(r -> !r.equals(plain)).findFirst().orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> desired(held).ha().standDown());
        assertThat(desired(plain).ha().enabled()).as("the plain router stays plain").isFalse();

        node.restart();
        logIn();
        assertThat(routersOf(l3)).containsExactlyInAnyOrder(plain, held);
        assertThat(desired(held).ha().enabled()).isTrue();
        assertThat(desired(held).ha().standDown()).as("a restarted node still holds the new router in FAULT").isTrue();
        assertThat(desired(held).ha().peerAddress()).as("held alone, with no peer").isNull();
        assertThat(node.node().virtualRouters().haAlarmOf(l3)).isEqualTo("NONE");

        // the restarted node's keeper goes on (once it has reconnected the routers): the plain router goes, the held
        // one is released
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            node.node().virtualRouters().pingTracker().pingAll();
            List<String> now = routersOf(l3);
            return now.size() == 2 && !now.contains(plain) && now.contains(held);
        });
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String vr : routersOf(l3)) {
                DesiredRouterState.State s = RouterStateChecker.assertInSync(node, vr);
                assertThat(s.ha().standDown()).as("no longer held: " + vr).isFalse();
                assertThat(s.ha().peerAddress()).isNotNull();
            }
        });
        assertThat(RouterStateChecker.assertInSync(node, held).dhcp()).extracting(d -> d.ip())
                .containsExactly(vm.get("vmNics").get(0).get("ip").asText());
    }
}
