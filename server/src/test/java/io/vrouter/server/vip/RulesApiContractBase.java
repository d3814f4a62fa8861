package io.vrouter.server.vip;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.NodeContract;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.vrouter.server.testing.Infra.assertError;
import static io.vrouter.server.testing.Infra.params;

/**
 * What the VIP, EIP and port forwarding API contracts share beyond {@link NodeContract}: the {@link NetworkFixture}
 * and a {@link RecordingApplier} registered as the router provider (for rules and for VM starts and stops).
 */
public abstract class RulesApiContractBase extends NodeContract {
    protected NetworkFixture fx;
    protected RecordingApplier applier;

    @BeforeAll
    public void createFixture() {
        fx = new NetworkFixture(node, node.admin());
    }

    /** Runs after {@link NodeContract#logIn()}: the fixture uses the new session and a new applier is installed. */
    @BeforeEach
    public void freshApplier() {
        fx.useAdmin(admin);
        installApplier();
    }

    /** A new recording applier on the current node (again after a restart). */
    protected void installApplier() {
        applier = new RecordingApplier(uuid -> rowExists("eip", uuid) || rowExists("port_forwarding_rule", uuid),
                node.node().eips(), node.node().portForwarding());
        node.node().vips().setRouters(applier);
        node.node().vms().addExtension(applier);
    }

    /** Restarts the node on the same data and logs in again. */
    protected void restart() {
        node.restart();
        logIn();
        freshApplier();
    }

    protected boolean rowExists(String table, String uuid) {
        return node.node().database().dsl().fetchExists(DSL.table(DSL.unquotedName(table)),
                DSL.field(DSL.unquotedName("uuid"), String.class).eq(uuid));
    }

    protected int count(String table) {
        return fx.count(table);
    }

    protected static void assertInvalid(ApiReply r, String details) {
        assertError(r, 400, "SYS.1007", details);
    }

    protected JsonNode inventory(String api, Object... keyValues) {
        return admin.ok(api, params(keyValues)).get("inventory");
    }

    protected ApiReply call(String api, Object... keyValues) {
        return admin.call(api, params(keyValues));
    }

    protected JsonNode query(String api, String name, String op, String value) {
        return admin.ok(api, Map.of("conditions", List.of(Map.of("name", name, "op", op, "value", value)))).get("inventories");
    }

    protected String uuid(JsonNode inventory) {
        return inventory.get("uuid").asText();
    }

    /** One call of a race, by index. */
    protected interface IndexedCall {
        ApiReply call(int i);
    }

    /** Runs n calls at once (released together) and returns their replies. */
    protected static List<ApiReply> race(int n, IndexedCall body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApiReply>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<ApiReply> task = () -> {
                    go.await();
                    return body.call(index);
                };
                futures.add(pool.submit(task));
            }
            go.countDown();
            List<ApiReply> replies = new ArrayList<>();
            for (Future<ApiReply> f : futures) {
                replies.add(f.get(60, TimeUnit.SECONDS));
            }
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }
}
