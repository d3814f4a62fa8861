package io.vrouter.server.vrouter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6's lifecycle matrix: every rule operation (create with a nic, attach, detach, delete) x every VM state
 * (Running, Stopped, Destroyed) x every router event (reconnect, reboot, destroy and recreate), for an EIP and for a
 * port-forwarding rule. After each step the router holds exactly what the database implies (the one checker), and
 * the number of rules it holds is the expected one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuleLifecycleMatrixTest {
    private static final AtomicInteger OCTET = new AtomicInteger(120);
    private TestNode node;

    enum RuleOp { CREATE_ATTACHED, ATTACH, DETACH, DELETE }

    enum VmState { RUNNING, STOPPED, DESTROYED }

    enum RouterEvent { RECONNECT, REBOOT, RECREATE }

    @BeforeAll
    void start() {
        node = TestNode.start(TestDatabase.H2);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    static Stream<Arguments> matrix() {
        List<Arguments> all = new ArrayList<>();
        for (String kind : List.of("Eip", "PortForwarding")) {
            for (RuleOp op : RuleOp.values()) {
                for (VmState vm : VmState.values()) {
                    for (RouterEvent event : RouterEvent.values()) {
                        all.add(Arguments.of(kind, op, vm, event));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} with the VM {2}, then router {3}")
    @MethodSource("matrix")
    void theRouterAlwaysHoldsWhatTheDatabaseSays(String kind, RuleOp op, VmState vmState, RouterEvent event) {
        ApiClient admin = node.admin();
        int octet = OCTET.getAndIncrement();
        RouterFixture f = new RouterFixture(admin, octet);
        String guest = f.guestL3("m", "10." + octet + ".20.0/24", List.of("DHCP", "DNS", "SNAT", "Eip", "PortForwarding"));
        JsonNode keeper = f.userVm("keeper", guest); // keeps a user VM on the L3 so a recreated router has a reason to exist
        JsonNode vm = f.userVm("target", guest);
        String vmUuid = vm.get("uuid").asText();
        String nic = vm.get("vmNics").get(0).get("uuid").asText();
        String vip = Infra.uuid(admin.ok("CreateVip", Map.of("name", "v", "l3NetworkUuid", f.publicL3)));

        // the VM state first, for attach and create (a destroyed VM's nic cannot take a rule; detach/delete start attached)
        String rule = null;
        if (op == RuleOp.DETACH || op == RuleOp.DELETE) {
            rule = createRule(admin, kind, vip, nic);
        }
        switch (vmState) {
            case STOPPED -> admin.ok("StopVmInstance", Map.of("uuid", vmUuid));
            case DESTROYED -> admin.ok("DestroyVmInstance", Map.of("uuid", vmUuid));
            default -> { }
        }
        boolean nicExists = vmState != VmState.DESTROYED;
        switch (op) {
            case CREATE_ATTACHED -> {
                if (nicExists) {
                    rule = createRule(admin, kind, vip, nic);
                }
            }
            case ATTACH -> {
                rule = createRule(admin, kind, vip, null);
                if (nicExists) {
                    attach(admin, kind, rule, nic);
                }
            }
            case DETACH -> {
                if (nicExists) {
                    detach(admin, kind, rule);
                }
            }
            case DELETE -> delete(admin, kind, rule);
        }
        String router = f.routersOn(guest).get(0).get("uuid").asText();
        int expected = (op == RuleOp.CREATE_ATTACHED || op == RuleOp.ATTACH) && vmState == VmState.RUNNING ? 1 : 0;
        assertHolds(router, kind, expected);

        switch (event) {
            case RECONNECT -> admin.ok("ReconnectVirtualRouter", Map.of("vmInstanceUuid", router));
            case REBOOT -> admin.ok("RebootVmInstance", Map.of("uuid", router));
            case RECREATE -> {
                admin.ok("DestroyVmInstance", Map.of("uuid", router));
                admin.ok("StopVmInstance", Map.of("uuid", keeper.get("uuid").asText()));
                admin.ok("StartVmInstance", Map.of("uuid", keeper.get("uuid").asText()));
                router = f.routersOn(guest).get(0).get("uuid").asText();
            }
        }
        assertHolds(router, kind, expected);
        if (vmState == VmState.STOPPED) {
            admin.ok("StartVmInstance", Map.of("uuid", vmUuid));
            int afterStart = op == RuleOp.CREATE_ATTACHED || op == RuleOp.ATTACH ? 1 : 0;
            assertHolds(router, kind, afterStart);
        }
    }

    private void assertHolds(String router, String kind, int rules) {
        DesiredRouterState.State state = RouterStateChecker.assertInSync(node, router);
        assertThat(kind.equals("Eip") ? state.eips() : state.portForwardings()).hasSize(rules);
        assertThat(state.vips()).hasSize(rules);
    }

    private static String createRule(ApiClient admin, String kind, String vip, String nic) {
        Map<String, Object> params = new java.util.HashMap<>(Map.of("name", "r", "vipUuid", vip));
        if (nic != null) {
            params.put("vmNicUuid", nic);
        }
        if (kind.equals("Eip")) {
            return Infra.uuid(admin.ok("CreateEip", params));
        }
        params.put("vipPortStart", 8080);
        params.put("protocolType", "TCP");
        return Infra.uuid(admin.ok("CreatePortForwardingRule", params));
    }

    private static void attach(ApiClient admin, String kind, String rule, String nic) {
        if (kind.equals("Eip")) {
            admin.ok("AttachEip", Map.of("eipUuid", rule, "vmNicUuid", nic));
        } else {
            admin.ok("AttachPortForwardingRule", Map.of("ruleUuid", rule, "vmNicUuid", nic));
        }
    }

    private static void detach(ApiClient admin, String kind, String rule) {
        admin.ok(kind.equals("Eip") ? "DetachEip" : "DetachPortForwardingRule", Map.of("uuid", rule));
    }

    private static void delete(ApiClient admin, String kind, String rule) {
        admin.ok(kind.equals("Eip") ? "DeleteEip" : "DeletePortForwardingRule", Map.of("uuid", rule));
    }
}
