package io.vrouter.server.vrouter;

import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.VipTO;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EIPs, port forwarding and VIPs applied through the router, following the VM and the router: after every step
 * the router's applied state equals what the database implies (the one checker), and the rule is really there
 * or really gone.
 */
class RouterRulesTest extends NodeContract {
    private static final AtomicInteger OCTET = new AtomicInteger(70);
    private RouterFixture f;
    private String guest;
    private JsonNode vm;
    private String nic;
    private String vr;

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }

    @BeforeEach
    void setUp() {
        int octet = OCTET.getAndIncrement();
        f = new RouterFixture(admin, octet);
        guest = f.guestL3("rules", "10." + octet + ".10.0/24", List.of("DHCP", "DNS", "SNAT", "Eip", "PortForwarding"));
        vm = f.userVm("web", guest);
        nic = vm.get("vmNics").get(0).get("uuid").asText();
        vr = f.routersOn(guest).get(0).get("uuid").asText();
    }

    private String vip(String name) {
        return Infra.uuid(admin.ok("CreateVip", Map.of("name", name, "l3NetworkUuid", f.publicL3)));
    }

    private DesiredRouterState.State inSync() {
        return RouterStateChecker.assertInSync(node, vr);
    }

    @Test
    void anEipFollowsAttachDetachAndTheVm() {
        String vip = vip("eip-vip");
        String vipIp = admin.ok("QueryVip", Map.of("conditions", List.of(Map.of("name", "uuid", "op", "=", "value", vip))))
                .get("inventories").get(0).get("ip").asText();
        String eip = Infra.uuid(admin.ok("CreateEip", Map.of("name", "eip", "vipUuid", vip, "vmNicUuid", nic)));
        assertThat(inSync().eips()).extracting(EipTO::vipIp, EipTO::guestIp)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(vipIp, vm.get("vmNics").get(0).get("ip").asText()));
        assertThat(inSync().vips()).extracting(VipTO::ip).containsExactly(vipIp);

        admin.ok("StopVmInstance", Map.of("uuid", vm.get("uuid").asText()));
        assertThat(inSync().eips()).isEmpty();
        assertThat(inSync().vips()).isEmpty();
        admin.ok("StartVmInstance", Map.of("uuid", vm.get("uuid").asText()));
        assertThat(inSync().eips()).hasSize(1);

        admin.ok("DetachEip", Map.of("uuid", eip));
        assertThat(inSync().eips()).isEmpty();
        admin.ok("AttachEip", Map.of("eipUuid", eip, "vmNicUuid", nic));
        assertThat(inSync().eips()).hasSize(1);
        assertThat(admin.ok("QueryVirtualRouterVm", Map.of("conditions", List.of(Map.of("name", "eip.uuid", "op", "=", "value", eip))))
                .get("inventories")).extracting(n -> n.get("uuid").asText()).containsExactly(vr);

        admin.ok("DeleteVip", Map.of("uuid", vip));
        assertThat(inSync().eips()).isEmpty();
        assertThat(inSync().vips()).isEmpty();
    }

    @Test
    void revokingOneOfTwoRulesLeavesTheOtherAndTheVip() {
        String vip = vip("pf-vip");
        String web = Infra.uuid(admin.ok("CreatePortForwardingRule", Map.of("name", "web", "vipUuid", vip, "vipPortStart", 80,
                "protocolType", "TCP", "vmNicUuid", nic)));
        Infra.uuid(admin.ok("CreatePortForwardingRule", Map.of("name", "range", "vipUuid", vip, "vipPortStart", 10000,
                "vipPortEnd", 10010, "privatePortStart", 20000, "privatePortEnd", 20010, "protocolType", "UDP", "vmNicUuid", nic,
                "allowedCidr", "198.51.100.0/24")));
        assertThat(inSync().portForwardings()).extracting(PortForwardingRuleTO::vipPortStart).containsExactlyInAnyOrder(80, 10000);
        admin.ok("DetachPortForwardingRule", Map.of("uuid", web));
        assertThat(inSync().portForwardings()).singleElement().satisfies(r -> {
            assertThat(r.privatePortStart()).isEqualTo(20000);
            assertThat(r.allowedCidr()).isEqualTo("198.51.100.0/24");
        });
        assertThat(inSync().vips()).hasSize(1);
        admin.ok("DeletePortForwardingRule", Map.of("uuid", web));
        assertThat(inSync().portForwardings()).hasSize(1);
    }

    /** The commands the router received but the liveness probes (a ping may come at any time). */
    private static List<String> ruleCommands(io.vrouter.agent.dataplane.RecordingDataplane dataplane) {
        return dataplane.commandPaths().stream().filter(p -> !p.equals("/ping") && !p.equals("/echo")).toList();
    }

    /**
     * A rule API call sends the router only that rule: never a whole sync of every rule, whose cost would grow with
     * the rules already there. The VIP comes with its first rule and goes with its last.
     */
    @Test
    void aRuleChangeSendsOnlyThatRuleAndItsVipComesAndGoesWithItsRules() {
        String vip = vip("delta-vip");
        var dataplane = node.agents().dataplane(vr).orElseThrow();
        dataplane.clearLog();
        String first = Infra.uuid(admin.ok("CreatePortForwardingRule", Map.of("name", "first", "vipUuid", vip,
                "vipPortStart", 80, "protocolType", "TCP", "vmNicUuid", nic)));
        assertThat(ruleCommands(dataplane)).containsExactly("/createvip", "/createportforwarding");
        assertThat(inSync().vips()).hasSize(1);

        dataplane.clearLog();
        String second = Infra.uuid(admin.ok("CreatePortForwardingRule", Map.of("name", "second", "vipUuid", vip,
                "vipPortStart", 443, "protocolType", "TCP", "vmNicUuid", nic)));
        assertThat(ruleCommands(dataplane)).containsExactly("/createportforwarding");
        assertThat(dataplane.appliedState().portForwardings()).hasSize(2);

        dataplane.clearLog();
        admin.ok("DeletePortForwardingRule", Map.of("uuid", first));
        assertThat(ruleCommands(dataplane)).containsExactly("/revokeportforwarding");
        assertThat(inSync().vips()).hasSize(1);

        dataplane.clearLog();
        admin.ok("DetachPortForwardingRule", Map.of("uuid", second));
        assertThat(ruleCommands(dataplane)).containsExactly("/revokeportforwarding", "/removevip");
        assertThat(inSync().vips()).isEmpty();
        assertThat(inSync().portForwardings()).isEmpty();
    }

    @Test
    void rulesComeBackAfterRouterReconnectRebootAndRecreation() {
        String vip = vip("survive");
        admin.ok("CreatePortForwardingRule", Map.of("name", "ssh", "vipUuid", vip, "vipPortStart", 2222,
                "privatePortStart", 22, "protocolType", "TCP", "vmNicUuid", nic));
        String eipVip = vip("survive-eip");
        admin.ok("CreateEip", Map.of("name", "e", "vipUuid", eipVip, "vmNicUuid", nic));
        node.node().simulatorAgents().restartAgentAs(vr, node.node().simulatorAgents().agentMd5(vr));
        admin.ok("ReconnectVirtualRouter", Map.of("vmInstanceUuid", vr));
        assertThat(inSync().portForwardings()).hasSize(1);
        admin.ok("RebootVmInstance", Map.of("uuid", vr));
        assertThat(inSync().eips()).hasSize(1);

        admin.ok("DestroyVmInstance", Map.of("uuid", vr));
        admin.ok("StopVmInstance", Map.of("uuid", vm.get("uuid").asText()));
        admin.ok("StartVmInstance", Map.of("uuid", vm.get("uuid").asText()));
        vr = f.routersOn(guest).get(0).get("uuid").asText();
        DesiredRouterState.State state = inSync();
        assertThat(state.portForwardings()).hasSize(1);
        assertThat(state.eips()).hasSize(1);
        assertThat(state.vips()).hasSize(2);
    }

    @Test
    void aVipMustBeOnTheRoutersPublicNetworkAndTheL3MustHaveTheService() {
        String otherPublic = f.infra.l3(f.zone, "other", "172." + (OCTET.get() + 100) + ".9.0/24", true);
        String wrongVip = Infra.uuid(admin.ok("CreateVip", Map.of("name", "wrong", "l3NetworkUuid", otherPublic)));
        ApiReply r = admin.call("CreateEip", Map.of("name", "e", "vipUuid", wrongVip, "vmNicUuid", nic));
        assertThat(r.errorCode()).isEqualTo("SYS.1007");
        assertThat(r.errorDetails()).contains("has its public network on " + f.publicL3);
        assertThat(admin.ok("QueryEip", Map.of("conditions", List.of(Map.of("name", "vipUuid", "op", "=", "value", wrongVip))))
                .get("inventories")).isEmpty();

        JsonNode plain = f.userVm("plain", f.guestL3);
        ApiReply noService = admin.call("CreateEip", Map.of("name", "e", "vipUuid", vip("v"),
                "vmNicUuid", plain.get("vmNics").get(0).get("uuid").asText()));
        assertThat(noService.errorDetails()).contains("has no Eip service from the virtual router");
    }

    @Test
    void destroyingTheVmDetachesAndRevokesItsRules() {
        String vip = vip("gone");
        String eip = Infra.uuid(admin.ok("CreateEip", Map.of("name", "e", "vipUuid", vip, "vmNicUuid", nic)));
        admin.ok("DestroyVmInstance", Map.of("uuid", vm.get("uuid").asText()));
        assertThat(inSync().eips()).isEmpty();
        JsonNode detached = admin.ok("QueryEip", Map.of("conditions", List.of(Map.of("name", "uuid", "op", "=", "value", eip))))
                .get("inventories").get(0);
        assertThat(detached.get("vmNicUuid").isNull()).isTrue();
    }
}
