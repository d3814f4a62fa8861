package io.vrouter.server.vrouter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.NodeOptions;
import io.vrouter.server.db.Uuid;
import io.vrouter.client.ApiClient;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.PostgresServer;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Routers across management node restarts, and two management nodes sharing one PostgreSQL database. */
class RouterRestartTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aRestartedNodeReconnectsAndResyncsEveryRunningRouter() {
        try (TestNode node = TestNode.start(TestDatabase.H2)) {
            RouterFixture f = new RouterFixture(node.admin(), 60);
            f.userVm("a", f.guestL3);
            f.userVm("b", f.guestL3);
            String vr = f.routersOn(f.guestL3).get(0).get("uuid").asText();
            node.restart();
            // the Simulator's hosts kept the router running, but its agent came back empty: the node must resync it
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode router = new RouterFixture.Reader(node.admin()).router(vr);
                assertThat(router.get("status").asText()).isEqualTo("Connected");
                assertThat(RouterStateChecker.assertInSync(node, vr).dhcp()).hasSize(2);
            });
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aRouterLeftStartingByADeadNodeIsStartedByTheNextVm() {
        try (TestNode node = TestNode.start(TestDatabase.H2)) {
            RouterFixture f = new RouterFixture(node.admin(), 62);
            f.userVm("a", f.guestL3);
            String vr = f.routersOn(f.guestL3).get(0).get("uuid").asText();
            // what a node killed in the middle of starting the router leaves behind
            node.node().database().dsl().execute("update vm_instance set state = 'Starting' where uuid = ?", vr);
            ApiClient api = restartAndCreateVm(node, f, "b");
            JsonNode router = new RouterFixture.Reader(api).router(vr);
            assertThat(router.get("state").asText()).isEqualTo("Running");
            assertThat(router.get("status").asText()).isEqualTo("Connected");
            assertThat(RouterStateChecker.assertInSync(node, vr).dhcp()).hasSize(2);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aClaimWhoseCreatorDiedBeforeWritingTheRouter_isDroppedOnceStale_andTheNextVmGetsARouter() {
        try (TestNode node = TestNode.start(TestDatabase.H2)) {
            RouterFixture f = new RouterFixture(node.admin(), 63);
            String ghost = Uuid.random();
            // a node that claimed the L3 and died before writing the router's VM; restarted at once, so the claim
            // is too young for the start-up sweep
            node.node().database().dsl().execute("insert into virtual_router_guest_l3 (l3_network_uuid, virtual_router_uuid, create_date)"
                    + " values (?, ?, ?)", f.guestL3, ghost, LocalDateTime.ofInstant(node.clock().now(), ZoneOffset.UTC));
            ApiClient api = restartAndCreateVm(node, f, "a");

            List<JsonNode> routers = new ArrayList<>();
            new RouterFixture.Reader(api).routersOn(f.guestL3).forEach(routers::add);
            assertThat(routers).hasSize(1);
            assertThat(routers.get(0).get("uuid").asText()).isNotEqualTo(ghost);
            assertThat(routers.get(0).get("status").asText()).isEqualTo("Connected");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aRouterVmWrittenWithoutItsApplianceRow_isDestroyed_soItsReplacementGetsTheGateway() {
        try (TestNode node = TestNode.start(TestDatabase.H2)) {
            RouterFixture f = new RouterFixture(node.admin(), 64);
            f.userVm("a", f.guestL3);
            String half = f.routersOn(f.guestL3).get(0).get("uuid").asText();
            // what a node killed between writing the router's VM (with the gateway address) and its appliance row leaves
            var dsl = node.node().database().dsl();
            dsl.execute("delete from appliance_vm where uuid = ?", half);
            dsl.execute("update vm_instance set state = 'Created' where uuid = ?", half);
            ApiClient api = restartAndCreateVm(node, f, "b");

            JsonNode router = new RouterFixture.Reader(api).routersOn(f.guestL3).get(0);
            assertThat(router.get("uuid").asText()).isNotEqualTo(half);
            assertThat(router.get("status").asText()).isEqualTo("Connected");
            assertThat(api.ok("QueryVmInstance", Map.of("conditions", List.of(Map.of("name", "uuid", "op", "=", "value", half))))
                    .get("inventories")).as("the half-written router VM").isEmpty();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void twoNodesOnOneDatabaseMakeOneRouterPerGuestL3() throws Exception {
        PostgresServer pg = PostgresServer.shared().orElse(null);
        Assumptions.assumeTrue(pg != null, () -> "PostgreSQL tests skipped: " + PostgresServer.unavailableReason());
        String url = pg.newDatabase();
        try (TestNode first = TestNode.startOn(url); TestNode second = TestNode.startOn(url)) {
            RouterFixture f = new RouterFixture(first.admin(), 61);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<String>> acquired = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                TestNode node = i % 2 == 0 ? first : second;
                Callable<String> acquire = () -> node.node().virtualRouters().routers().acquire(f.guestL3).uuid();
                acquired.add(pool.submit(acquire));
            }
            Set<String> routers = new HashSet<>();
            for (Future<String> a : acquired) {
                routers.add(a.get());
            }
            pool.shutdown();
            assertThat(routers).hasSize(1);
            assertThat(f.routersOn(f.guestL3)).hasSize(1);
        }
    }

    /**
     * What follows a crash: a new node on the same data (it listens on another port), claims older than the orphan
     * bound by the time the next guest comes, and that guest created on the fixture's guest L3.
     */
    private static ApiClient restartAndCreateVm(TestNode node, RouterFixture f, String name) {
        node.restart();
        node.clock().advance(VirtualRouters.ORPHAN_CLAIM_AGE.plusSeconds(1));
        ApiClient api = node.admin();
        new Infra(api).vm(name, f.userOffering, f.userImage, List.of(f.guestL3));
        return api;
    }
}
