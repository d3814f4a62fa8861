package io.vrouter.server.vrouter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's race, and every race like it: random API calls on one router from several threads at once (VM start
 * and stop, EIP and port-forwarding create, attach, detach, delete, router reconnect) while the router's agent
 * answers each command after a delay. Whatever the interleaving, once every call has returned and the router's
 * sync is idle, the router holds exactly what the database says (the one checker): no stale view of the database
 * may overwrite a change that was already applied.
 *
 * <p>Seeds: {@code -Drace.seeds=N} (default 12 in the normal suite, which stays well under a minute), first seed
 * {@code -Drace.firstSeed}; a failure names its seed, and the ops each thread chose are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterRaceTest {
    private static final int SEEDS = Integer.getInteger("race.seeds", 12);
    private static final long FIRST_SEED = Long.getLong("race.firstSeed", 1);
    private static final int THREADS = 4;
    private static final int OPS_PER_THREAD = 4;
    private static final Duration AGENT_LATENCY = Duration.ofMillis(Long.getLong("race.latencyMs", 40));

    private TestNode node;
    private ApiClient admin;
    private RouterFixture f;
    private String vr;
    private final List<String> vms = new ArrayList<>();
    private final List<String> nics = new ArrayList<>();
    private final List<String> eipVips = new ArrayList<>();
    private final List<String> pfVips = new ArrayList<>();
    private final List<String> eips = new ArrayList<>();
    private final List<String> rules = new ArrayList<>();

    @BeforeAll
    void setUp() {
        node = TestNode.start(TestDatabase.H2);
        admin = node.admin();
        f = new RouterFixture(admin, 201);
        String guest = f.guestL3("race", "10.201.10.0/24", List.of("DHCP", "DNS", "SNAT", "Eip", "PortForwarding"));
        for (int i = 0; i < 3; i++) {
            JsonNode vm = f.userVm("vm" + i, guest);
            vms.add(vm.get("uuid").asText());
            nics.add(vm.get("vmNics").get(0).get("uuid").asText());
        }
        vr = f.routersOn(guest).get(0).get("uuid").asText();
        for (int i = 0; i < 4; i++) {
            eipVips.add(vip("eip-vip" + i));
        }
        for (int i = 0; i < 2; i++) {
            pfVips.add(vip("pf-vip" + i));
        }
        // standing rules the random calls attach and detach; the VIPs above take the ones created on the fly
        eips.add(Infra.uuid(admin.ok("CreateEip", Map.of("name", "e0", "vipUuid", eipVips.get(0), "vmNicUuid", nics.get(0)))));
        eips.add(Infra.uuid(admin.ok("CreateEip", Map.of("name", "e1", "vipUuid", eipVips.get(1)))));
        for (int i = 0; i < 3; i++) {
            rules.add(Infra.uuid(admin.ok("CreatePortForwardingRule", Map.of("name", "pf" + i, "vipUuid", pfVips.get(i % 2),
                    "vipPortStart", 1000 + i * 10, "protocolType", "TCP", "vmNicUuid", nics.get(i)))));
        }
        dataplane().setCommandLatency(AGENT_LATENCY);
    }

    @AfterAll
    void tearDown() {
        if (node != null) {
            node.close();
        }
    }

    private String vip(String name) {
        return Infra.uuid(admin.ok("CreateVip", Map.of("name", name, "l3NetworkUuid", f.publicL3)));
    }

    private RecordingDataplane dataplane() {
        return node.agents().dataplane(vr).orElseThrow();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void theRouterEndsAsTheDatabaseSaysWhateverTheInterleaving() throws Exception {
        List<Long> failed = new ArrayList<>();
        List<String> firstFailure = new ArrayList<>();
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            List<String> log = round(seed);
            node.node().virtualRouters().awaitRouterSynced(vr, Duration.ofSeconds(60));
            try {
                RouterStateChecker.assertInSync(node, vr);
            } catch (AssertionError e) {
                failed.add(seed);
                if (firstFailure.isEmpty()) {
                    firstFailure.add("seed " + seed + ": " + log + "\n" + e.getMessage());
                }
                // start the next round from a router that holds the database's state again
                admin.ok("ReconnectVirtualRouter", Map.of("vmInstanceUuid", vr));
            }
        }
        System.out.printf("router race: %d of %d seeds left the router out of sync with the database: %s%n",
                failed.size(), SEEDS, failed);
        assertThat(failed).as(firstFailure.isEmpty() ? "no failure" : firstFailure.get(0)).isEmpty();
    }

    /** One round: THREADS threads each make OPS_PER_THREAD random calls; returns what each chose. */
    private List<String> round(long seed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<String>>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(seed * 1_000 + t);
                done.add(pool.submit(() -> {
                    List<String> chosen = new ArrayList<>();
                    for (int i = 0; i < OPS_PER_THREAD; i++) {
                        Thread.sleep(random.nextInt(60));
                        chosen.add(randomCall(random));
                    }
                    return chosen;
                }));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> d : done) {
                all.addAll(d.get(5, TimeUnit.MINUTES));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One random call; refusals (a VM already running, an EIP already attached...) are part of the game. */
    private String randomCall(Random random) {
        String vm = vms.get(random.nextInt(vms.size()));
        String nic = nics.get(random.nextInt(nics.size()));
        String eip = eips.get(random.nextInt(eips.size()));
        String rule = rules.get(random.nextInt(rules.size()));
        int op = random.nextInt(11);
        String name;
        ApiReply reply;
        switch (op) {
            case 0 -> {
                name = "StartVmInstance " + vm;
                reply = admin.call("StartVmInstance", Map.of("uuid", vm));
            }
            case 1 -> {
                name = "StopVmInstance " + vm;
                reply = admin.call("StopVmInstance", Map.of("uuid", vm));
            }
            case 2 -> {
                name = "AttachEip " + eip + " " + nic;
                reply = admin.call("AttachEip", Map.of("eipUuid", eip, "vmNicUuid", nic));
            }
            case 3 -> {
                name = "DetachEip " + eip;
                reply = admin.call("DetachEip", Map.of("uuid", eip));
            }
            case 4 -> {
                name = "AttachPortForwardingRule " + rule + " " + nic;
                reply = admin.call("AttachPortForwardingRule", Map.of("ruleUuid", rule, "vmNicUuid", nic));
            }
            case 5 -> {
                name = "DetachPortForwardingRule " + rule;
                reply = admin.call("DetachPortForwardingRule", Map.of("uuid", rule));
            }
            case 6, 7 -> {
                // an EIP of its own on one of the spare VIPs, deleted again when the VIP is taken
                String vip = eipVips.get(2 + random.nextInt(2));
                name = "CreateEip " + vip + " " + nic;
                reply = admin.call("CreateEip", Map.of("name", "tmp", "vipUuid", vip, "vmNicUuid", nic));
                if (!reply.ok()) {
                    JsonNode on = admin.ok("QueryEip", Map.of("conditions", List.of(Map.of("name", "vipUuid", "op", "=", "value", vip))))
                            .get("inventories");
                    if (on.size() > 0) {
                        name = "DeleteEip " + on.get(0).get("uuid").asText();
                        reply = admin.call("DeleteEip", Map.of("uuid", on.get(0).get("uuid").asText()));
                    }
                }
            }
            case 8 -> {
                name = "ChangeEipState " + eip;
                reply = admin.call("ChangeEipState", Map.of("uuid", eip, "stateEvent", random.nextBoolean() ? "enable" : "disable"));
            }
            case 9 -> {
                name = "CreatePortForwardingRule";
                int port = 20000 + random.nextInt(2000);
                reply = admin.call("CreatePortForwardingRule", Map.of("name", "tmp", "vipUuid", pfVips.get(random.nextInt(2)),
                        "vipPortStart", port, "protocolType", "UDP", "vmNicUuid", nic));
                if (reply.ok() && random.nextBoolean()) {
                    name += " + DeletePortForwardingRule";
                    reply = admin.call("DeletePortForwardingRule", Map.of("uuid", reply.inventory().get("uuid").asText()));
                }
            }
            default -> {
                name = "ReconnectVirtualRouter";
                reply = admin.call("ReconnectVirtualRouter", Map.of("vmInstanceUuid", vr));
            }
        }
        return name + (reply.ok() ? "" : " (refused: " + reply.errorCode() + ")");
    }
}
