package io.vrouter.server.portforwarding;

import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.vip.NetworkFixture;
import io.vrouter.server.vip.RulesApiContractBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static io.vrouter.server.testing.Infra.assertError;
import static io.vrouter.server.vip.NetworkFixture.ipOn;
import static io.vrouter.server.vip.NetworkFixture.nicOn;
import static io.vrouter.server.testing.Infra.params;
import static org.assertj.core.api.Assertions.assertThat;

/** The port forwarding APIs over HTTP: defaults, ranges, overlaps, nic checks, applier calls, queries, races. */
abstract class PortForwardingApiContract extends RulesApiContractBase {

    private record World(NetworkFixture.L3 pub, NetworkFixture.L3 guest, JsonNode vm, String nic, JsonNode vip) {
    }

    private World world() {
        NetworkFixture.L3 pub = fx.l3(fx.nextPrefix(), 10, 200);
        NetworkFixture.L3 guest = fx.l3(fx.nextPrefix(), 10, 200);
        JsonNode vm = fx.userVm(guest.uuid());
        return new World(pub, guest, vm, nicOn(vm, guest.uuid()), fx.vip(pub.uuid()));
    }

    private String describe(JsonNode vip) {
        return "VIP " + vip.get("name").asText() + " (" + vip.get("ip").asText() + ", " + uuid(vip) + ")";
    }

    private ApiReply create(JsonNode vip, Object... more) {
        List<Object> kv = new ArrayList<>(List.of("name", Infra.unique("rule"), "vipUuid", uuid(vip)));
        kv.addAll(List.of(more));
        return call("CreatePortForwardingRule", kv.toArray());
    }

    private JsonNode created(JsonNode vip, Object... more) {
        ApiReply r = create(vip, more);
        assertThat(r.ok()).as("%s", r.body()).isTrue();
        return r.inventory();
    }

    private static String ports(JsonNode rule) {
        return rule.get("protocolType").asText() + " " + rule.get("vipPortStart").asInt() + "-" + rule.get("vipPortEnd").asInt()
                + " -> " + rule.get("privatePortStart").asInt() + "-" + rule.get("privatePortEnd").asInt();
    }

    // ---------------------------------------------------------------- ports

    @Test
    void portsDefaultAsZStackDoesAndTheInventoryHasItsFields() {
        World w = world();
        JsonNode single = created(w.vip(), "vipPortStart", 80, "protocolType", "TCP", "description", "web");
        List<String> fields = new ArrayList<>();
        single.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("uuid", "name", "description", "vipUuid", "vipIp", "guestIp", "vipPortStart",
                "vipPortEnd", "privatePortStart", "privatePortEnd", "vmNicUuid", "protocolType", "state", "allowedCidr",
                "createDate", "lastOpDate");
        assertThat(ports(single)).isEqualTo("TCP 80-80 -> 80-80");
        assertThat(single.get("vipIp").asText()).isEqualTo(w.vip().get("ip").asText());
        assertThat(single.get("guestIp").isNull()).isTrue();
        assertThat(single.get("vmNicUuid").isNull()).isTrue();
        assertThat(single.get("state").asText()).isEqualTo("Enabled");
        assertThat(single.get("allowedCidr").isNull()).isTrue();

        assertThat(ports(created(w.vip(), "vipPortStart", 1000, "vipPortEnd", 1010, "protocolType", "TCP")))
                .isEqualTo("TCP 1000-1010 -> 1000-1010");
        assertThat(ports(created(w.vip(), "vipPortStart", 2000, "vipPortEnd", 2010, "privatePortStart", 8000, "protocolType", "TCP")))
                .isEqualTo("TCP 2000-2010 -> 8000-8010");
        assertThat(ports(created(w.vip(), "vipPortStart", 3000, "vipPortEnd", 3004, "privatePortEnd", 104, "protocolType", "UDP")))
                .isEqualTo("UDP 3000-3004 -> 100-104");
        assertThat(ports(created(w.vip(), "vipPortStart", 4000, "vipPortEnd", 4001, "privatePortStart", 22, "privatePortEnd", 23,
                "protocolType", "TCP", "allowedCidr", "192.168.0.0/16"))).isEqualTo("TCP 4000-4001 -> 22-23");
        assertThat(query("QueryPortForwardingRule", "vipPortStart", "=", "4000").get(0).get("allowedCidr").asText())
                .isEqualTo("192.168.0.0/16");
    }

    @Test
    void portsAreOneTo65535() {
        World w = world();
        int before = count("port_forwarding_rule");
        assertInvalid(create(w.vip(), "vipPortStart", 0, "protocolType", "TCP"), "parameter vipPortStart: 0 is out of range 1..65535");
        assertInvalid(create(w.vip(), "vipPortStart", 65536, "protocolType", "TCP"), "parameter vipPortStart: 65536 is out of range 1..65535");
        assertInvalid(create(w.vip(), "vipPortStart", 10, "vipPortEnd", 65536, "protocolType", "TCP"),
                "parameter vipPortEnd: 65536 is out of range 1..65535");
        assertInvalid(create(w.vip(), "vipPortStart", 10, "privatePortStart", 0, "protocolType", "TCP"),
                "parameter privatePortStart: 0 is out of range 1..65535");
        assertInvalid(create(w.vip(), "vipPortStart", 10, "privatePortEnd", 70000, "protocolType", "TCP"),
                "parameter privatePortEnd: 70000 is out of range 1..65535");
        assertInvalid(create(w.vip(), "vipPortStart", 10, "protocolType", "ICMP"), "parameter protocolType: 'ICMP' is not one of [TCP, UDP]");
        assertInvalid(create(w.vip(), "vipPortStart", 10), "missing required parameter protocolType of CreatePortForwardingRule");
        assertThat(count("port_forwarding_rule")).isEqualTo(before);
        assertThat(ports(created(w.vip(), "vipPortStart", 1, "protocolType", "TCP"))).isEqualTo("TCP 1-1 -> 1-1");
        assertThat(ports(created(w.vip(), "vipPortStart", 65535, "protocolType", "TCP"))).isEqualTo("TCP 65535-65535 -> 65535-65535");
        assertThat(ports(created(w.vip(), "vipPortStart", 2, "vipPortEnd", 65534, "privatePortStart", 1, "privatePortEnd", 65533,
                "protocolType", "UDP"))).isEqualTo("UDP 2-65534 -> 1-65533");
    }

    @Test
    void rangesMustBeOrderedAndTheSameSize() {
        World w = world();
        int before = count("port_forwarding_rule");
        assertInvalid(create(w.vip(), "vipPortStart", 90, "vipPortEnd", 80, "protocolType", "TCP"),
                "vipPortStart 90 is greater than vipPortEnd 80");
        assertInvalid(create(w.vip(), "vipPortStart", 80, "vipPortEnd", 90, "privatePortStart", 100, "privatePortEnd", 90,
                "protocolType", "TCP"), "privatePortStart 100 is greater than privatePortEnd 90");
        assertInvalid(create(w.vip(), "vipPortStart", 80, "vipPortEnd", 90, "privatePortStart", 8080, "privatePortEnd", 8085,
                "protocolType", "TCP"), "the VIP port range 80-90 has 11 port(s) but the private port range 8080-8085 has 6;"
                + " they must be the same size");
        assertInvalid(create(w.vip(), "vipPortStart", 80, "privatePortStart", 8080, "privatePortEnd", 8081, "protocolType", "TCP"),
                "the VIP port range 80-80 has 1 port(s) but the private port range 8080-8081 has 2; they must be the same size");
        assertInvalid(create(w.vip(), "vipPortStart", 100, "vipPortEnd", 110, "privatePortStart", 65530, "protocolType", "TCP"),
                "privatePortStart 65530 leaves no room for the 11 ports of VIP range 100-110: the private range would end at 65540, beyond 65535");
        assertInvalid(create(w.vip(), "vipPortStart", 100, "vipPortEnd", 110, "privatePortEnd", 5, "protocolType", "TCP"),
                "privatePortEnd 5 leaves no room for the 11 ports of VIP range 100-110: the private range would start at -5");
        assertInvalid(create(w.vip(), "vipPortStart", 100, "protocolType", "TCP", "allowedCidr", "10.0.0.5/24"),
                "parameter allowedCidr: '10.0.0.5/24' is not an IPv4 CIDR such as 192.168.0.0/24 (network address, no host bits)");
        assertInvalid(create(w.vip(), "vipPortStart", 100, "protocolType", "TCP", "allowedCidr", "anywhere"),
                "parameter allowedCidr: 'anywhere' is not an IPv4 CIDR such as 192.168.0.0/24 (network address, no host bits)");
        assertThat(count("port_forwarding_rule")).isEqualTo(before);
    }

    @Test
    void rangesOfOneProtocolOnOneVipNeverOverlapEdgesIncluded() {
        World w = world();
        JsonNode tcp = created(w.vip(), "vipPortStart", 80, "vipPortEnd", 90, "protocolType", "TCP");
        int before = count("port_forwarding_rule");
        String existing = "port forwarding rule " + tcp.get("name").asText() + " (" + uuid(tcp) + ") using 80-90 (TCP) on " + describe(w.vip());
        assertInvalid(create(w.vip(), "vipPortStart", 90, "vipPortEnd", 95, "protocolType", "TCP"),
                "VIP port range 90-95 (TCP) overlaps " + existing);
        assertInvalid(create(w.vip(), "vipPortStart", 70, "vipPortEnd", 80, "protocolType", "TCP"),
                "VIP port range 70-80 (TCP) overlaps " + existing);
        assertInvalid(create(w.vip(), "vipPortStart", 85, "protocolType", "TCP"), "VIP port range 85 (TCP) overlaps " + existing);
        assertInvalid(create(w.vip(), "vipPortStart", 80, "vipPortEnd", 90, "protocolType", "TCP"),
                "VIP port range 80-90 (TCP) overlaps " + existing);
        assertInvalid(create(w.vip(), "vipPortStart", 1, "vipPortEnd", 65535, "protocolType", "TCP"),
                "VIP port range 1-65535 (TCP) overlaps " + existing);
        assertInvalid(create(w.vip(), "vipPortStart", 90, "protocolType", "TCP"), "VIP port range 90 (TCP) overlaps " + existing);
        assertInvalid(create(w.vip(), "vipPortStart", 80, "protocolType", "TCP"), "VIP port range 80 (TCP) overlaps " + existing);
        assertThat(count("port_forwarding_rule")).isEqualTo(before);

        // adjacent on both sides, and the other protocol on the same ports
        created(w.vip(), "vipPortStart", 91, "vipPortEnd", 95, "protocolType", "TCP");
        created(w.vip(), "vipPortStart", 70, "vipPortEnd", 79, "protocolType", "TCP");
        created(w.vip(), "vipPortStart", 85, "protocolType", "UDP");
        created(w.vip(), "vipPortStart", 80, "vipPortEnd", 84, "protocolType", "UDP");
        created(w.vip(), "vipPortStart", 86, "vipPortEnd", 90, "protocolType", "UDP");
        // another VIP is another space
        created(fx.vip(w.pub().uuid()), "vipPortStart", 80, "vipPortEnd", 90, "protocolType", "TCP");
        // the private range may repeat: only the VIP side is a key
        created(w.vip(), "vipPortStart", 96, "privatePortStart", 80, "protocolType", "TCP");

        // the other way round: the existing range sits above, then below the new one
        JsonNode fresh = fx.vip(w.pub().uuid());
        created(fresh, "vipPortStart", 500, "protocolType", "TCP");
        assertThat(create(fresh, "vipPortStart", 499, "vipPortEnd", 500, "protocolType", "TCP").errorCode()).isEqualTo("SYS.1007");
        assertThat(create(fresh, "vipPortStart", 500, "vipPortEnd", 501, "protocolType", "TCP").errorCode()).isEqualTo("SYS.1007");
        created(fresh, "vipPortStart", 490, "vipPortEnd", 499, "protocolType", "TCP");
        created(fresh, "vipPortStart", 501, "vipPortEnd", 510, "protocolType", "TCP");
        assertThat(query("QueryPortForwardingRule", "vipUuid", "=", uuid(fresh))).hasSize(3);
    }

    @Test
    void aVipWithAnEipTakesNoRulesButSnatMayShare() {
        World w = world();
        JsonNode eip = inventory("CreateEip", "name", "owner", "vipUuid", uuid(w.vip()));
        int before = count("port_forwarding_rule");
        assertInvalid(create(w.vip(), "vipPortStart", 22, "protocolType", "TCP"),
                describe(w.vip()) + " is used by EIP owner (" + uuid(eip) + "); a VIP with an EIP cannot take port forwarding rules");
        assertThat(count("port_forwarding_rule")).isEqualTo(before);
        JsonNode snat = fx.vip(w.pub().uuid());
        node.node().vips().setSnat(uuid(snat), true);
        created(snat, "vipPortStart", 22, "protocolType", "TCP");
        assertThat(query("QueryVip", "uuid", "=", uuid(snat)).get(0).get("useFor").asText()).isEqualTo("PortForwarding,SNAT");
    }

    // ---------------------------------------------------------------- nics

    @Test
    void theNicMustBeAUserVmsOnAnotherL3WhoseSubnetDoesNotHoldTheVip() {
        World w = world();
        JsonNode onPublic = fx.userVm(w.pub().uuid());
        String publicNic = nicOn(onPublic, w.pub().uuid());
        int before = count("port_forwarding_rule");
        assertInvalid(create(w.vip(), "vipPortStart", 22, "protocolType", "TCP", "vmNicUuid", publicNic),
                "VM nic " + publicNic + " (" + ipOn(onPublic, w.pub().uuid()) + " of VM " + onPublic.get("name").asText()
                        + ") is on L3 network " + w.pub().uuid() + ", the L3 of " + describe(w.vip())
                        + "; a port forwarding rule needs a nic on another (guest) L3");

        String applianceNic = fx.applianceNic(w.guest().uuid());
        ApiReply appliance = create(w.vip(), "vipPortStart", 22, "protocolType", "TCP", "vmNicUuid", applianceNic);
        assertThat(appliance.errorCode()).isEqualTo("SYS.1007");
        assertThat(appliance.errorDetails()).startsWith("VM nic " + applianceNic)
                .endsWith("belongs to an appliance VM (ApplianceVm); a port forwarding rule can only reach a user VM");

        String shared = fx.nextPrefix();
        NetworkFixture.L3 pubSame = fx.l3(shared, 10, 20);
        NetworkFixture.L3 guestSame = fx.l3(shared, 100, 120);
        JsonNode vm = fx.userVm(guestSame.uuid());
        JsonNode vip = fx.vip(pubSame.uuid());
        assertInvalid(create(vip, "vipPortStart", 22, "protocolType", "TCP", "vmNicUuid", nicOn(vm, guestSame.uuid())),
                describe(vip) + " lies inside the guest subnet " + shared + ".0/24 of VM nic " + nicOn(vm, guestSame.uuid())
                        + " (" + ipOn(vm, guestSame.uuid()) + " of VM " + vm.get("name").asText() + ")");
        String missing = "0123456789abcdef0123456789abcdef";
        assertError(create(w.vip(), "vipPortStart", 22, "protocolType", "TCP", "vmNicUuid", missing), 404, "SYS.1003",
                "no VM nic with uuid " + missing);
        assertThat(count("port_forwarding_rule")).isEqualTo(before);
        assertThat(applier.calls()).isEmpty();
    }

    @Test
    void attachAndDetachNeedTheRightStateAndTellTheRouter() {
        World w = world();
        JsonNode rule = created(w.vip(), "vipPortStart", 8080, "vipPortEnd", 8081, "privatePortStart", 80,
                "protocolType", "TCP", "allowedCidr", "203.0.113.0/24");
        String name = rule.get("name").asText();
        assertInvalid(call("DetachPortForwardingRule", "uuid", uuid(rule)),
                "port forwarding rule " + name + " (" + uuid(rule) + ") is not attached to any VM nic");
        inventory("ChangePortForwardingRuleState", "uuid", uuid(rule), "stateEvent", "disable");
        assertInvalid(call("AttachPortForwardingRule", "ruleUuid", uuid(rule), "vmNicUuid", w.nic()),
                "port forwarding rule " + name + " (" + uuid(rule) + ") is Disabled; enable it before attaching");
        inventory("ChangePortForwardingRuleState", "uuid", uuid(rule), "stateEvent", "enable");
        assertThat(applier.calls()).isEmpty();

        JsonNode attached = inventory("AttachPortForwardingRule", "ruleUuid", uuid(rule), "vmNicUuid", w.nic());
        assertThat(attached.get("vmNicUuid").asText()).isEqualTo(w.nic());
        assertThat(attached.get("guestIp").asText()).isEqualTo(ipOn(w.vm(), w.guest().uuid()));
        assertInvalid(call("AttachPortForwardingRule", "ruleUuid", uuid(rule), "vmNicUuid", w.nic()),
                "port forwarding rule " + name + " (" + uuid(rule) + ") is already attached to VM nic " + w.nic() + "; detach it first");

        String mac = null;
        for (JsonNode nic : w.vm().get("vmNics")) {
            mac = nic.get("mac").asText();
        }
        PortForwardingView expected = new PortForwardingView(uuid(rule), name, "Enabled", uuid(w.vip()), w.vip().get("ip").asText(),
                "255.255.255.0", w.pub().gateway(), w.pub().uuid(), w.nic(), uuid(w.vm()), ipOn(w.vm(), w.guest().uuid()), mac,
                w.guest().uuid(), "Running", 8080, 8081, 80, 81, "TCP", "203.0.113.0/24");
        assertThat(applier.calls()).hasSize(1);
        assertThat(applier.calls().get(0).kind()).isEqualTo("ruleAttached");
        assertThat(applier.calls().get(0).view()).isEqualTo(expected);
        assertThat(node.node().portForwarding().activeRulesOnGuestL3(w.guest().uuid())).containsExactly(expected);

        // a second rule on the same nic from the same VIP is fine
        JsonNode second = created(w.vip(), "vipPortStart", 22, "protocolType", "TCP", "vmNicUuid", w.nic());
        assertThat(node.node().portForwarding().activeRulesOnGuestL3(w.guest().uuid())).extracting(PortForwardingView::uuid)
                .containsExactly(uuid(second), uuid(rule));

        assertThat(inventory("DetachPortForwardingRule", "uuid", uuid(rule)).get("vmNicUuid").isNull()).isTrue();
        assertThat(applier.kinds()).containsExactly("ruleAttached:" + name, "ruleAttached:" + second.get("name").asText(),
                "ruleDetached:" + name);
        assertThat(applier.calls().get(2).view()).isEqualTo(expected);
        assertThat(applier.calls().get(2).rowExisted()).isTrue();
        assertThat(call("DeletePortForwardingRule", "uuid", uuid(second)).ok()).isTrue();
        assertThat(applier.kinds()).last().isEqualTo("ruleDetached:" + second.get("name").asText());
        assertThat(node.node().portForwarding().activeRulesOnGuestL3(w.guest().uuid())).isEmpty();
        String missing = "0123456789abcdef0123456789abcdef";
        assertError(call("DeletePortForwardingRule", "uuid", missing), 404, "SYS.1003", "no port forwarding rule with uuid " + missing);
    }

    @Test
    void failuresOfTheRouterUndoOrKeep() {
        World w = world();
        JsonNode rule = created(w.vip(), "vipPortStart", 443, "protocolType", "TCP");
        String name = rule.get("name").asText();
        String guestIp = ipOn(w.vm(), w.guest().uuid());
        String vipIp = w.vip().get("ip").asText();
        applier.failNext("ruleAttached");
        assertError(call("AttachPortForwardingRule", "ruleUuid", uuid(rule), "vmNicUuid", w.nic()), 500, "SYS.1006",
                "applying port forwarding rule " + name + " (TCP " + vipIp + ":443-443 -> " + guestIp
                        + ":443-443) failed: simulated agent failure on ruleAttached; the change was undone");
        assertThat(query("QueryPortForwardingRule", "uuid", "=", uuid(rule)).get(0).get("vmNicUuid").isNull()).isTrue();
        assertThat(applier.kinds()).containsExactly("ruleAttached:" + name, "ruleDetached:" + name);

        int before = count("port_forwarding_rule");
        applier.failNext("ruleAttached");
        assertThat(create(w.vip(), "vipPortStart", 444, "protocolType", "TCP", "vmNicUuid", w.nic()).errorCode()).isEqualTo("SYS.1006");
        assertThat(count("port_forwarding_rule")).isEqualTo(before);

        inventory("AttachPortForwardingRule", "ruleUuid", uuid(rule), "vmNicUuid", w.nic());
        applier.failNext("ruleDetached");
        assertError(call("DetachPortForwardingRule", "uuid", uuid(rule)), 500, "SYS.1006",
                "revoking port forwarding rule " + name + " (TCP " + vipIp + ":443-443 -> " + guestIp
                        + ":443-443) failed: simulated agent failure on ruleDetached; nothing was changed");
        assertThat(query("QueryPortForwardingRule", "uuid", "=", uuid(rule)).get(0).get("vmNicUuid").asText()).isEqualTo(w.nic());
        applier.failNext("ruleDetached");
        assertThat(call("DeletePortForwardingRule", "uuid", uuid(rule)).errorCode()).isEqualTo("SYS.1006");
        assertThat(rowExists("port_forwarding_rule", uuid(rule))).isTrue();
        applier.failNext("ruleDetached");
        assertThat(call("ChangePortForwardingRuleState", "uuid", uuid(rule), "stateEvent", "disable").errorCode()).isEqualTo("SYS.1006");
        assertThat(query("QueryPortForwardingRule", "uuid", "=", uuid(rule)).get(0).get("state").asText()).isEqualTo("Enabled");
    }

    @Test
    void stateChangesAndVmStateDecideWhatIsActive() {
        World w = world();
        JsonNode rule = created(w.vip(), "vipPortStart", 25, "protocolType", "TCP", "vmNicUuid", w.nic());
        String name = rule.get("name").asText();
        applier.clear();
        assertThat(inventory("ChangePortForwardingRuleState", "uuid", uuid(rule), "stateEvent", "disable").get("state").asText())
                .isEqualTo("Disabled");
        assertThat(node.node().portForwarding().activeRulesOnGuestL3(w.guest().uuid())).isEmpty();
        inventory("ChangePortForwardingRuleState", "uuid", uuid(rule), "stateEvent", "enable");
        assertThat(applier.kinds()).containsExactly("ruleDetached:" + name, "ruleAttached:" + name);

        applier.clear();
        admin.ok("StopVmInstance", params("uuid", uuid(w.vm())));
        assertThat(node.node().portForwarding().activeRulesOnGuestL3(w.guest().uuid())).isEmpty();
        JsonNode idle = created(w.vip(), "vipPortStart", 26, "protocolType", "TCP", "vmNicUuid", w.nic());
        inventory("DetachPortForwardingRule", "uuid", uuid(idle));
        assertThat(applier.calls()).isEmpty();
        admin.ok("StartVmInstance", params("uuid", uuid(w.vm())));
        assertThat(node.node().portForwarding().activeRulesOnGuestL3(w.guest().uuid())).extracting(PortForwardingView::uuid)
                .containsExactly(uuid(rule));
    }

    @Test
    void destroyingTheVmDetachesItsRules() {
        World w = world();
        JsonNode a = created(w.vip(), "vipPortStart", 80, "protocolType", "TCP", "vmNicUuid", w.nic());
        JsonNode b = created(w.vip(), "vipPortStart", 81, "protocolType", "UDP", "vmNicUuid", w.nic());
        applier.clear();
        admin.ok("DestroyVmInstance", params("uuid", uuid(w.vm())));
        assertThat(applier.kinds()).containsExactlyInAnyOrder("ruleDetached:" + a.get("name").asText(),
                "ruleDetached:" + b.get("name").asText());
        assertThat(query("QueryPortForwardingRule", "vipUuid", "=", uuid(w.vip()))).allSatisfy(r -> {
            assertThat(r.get("vmNicUuid").isNull()).isTrue();
            assertThat(r.get("guestIp").isNull()).isTrue();
        });
    }

    @Test
    void queryByNestedVipAndNicFieldsAndRest() {
        World w = world();
        JsonNode rule = created(w.vip(), "vipPortStart", 3306, "protocolType", "TCP", "vmNicUuid", w.nic());
        created(fx.vip(w.pub().uuid()), "vipPortStart", 3306, "protocolType", "TCP");
        JsonNode byNic = query("QueryPortForwardingRule", "vmNic.ip", "=", ipOn(w.vm(), w.guest().uuid()));
        assertThat(byNic).hasSize(1);
        assertThat(byNic.get(0).get("uuid").asText()).isEqualTo(uuid(rule));
        JsonNode byVip = query("QueryPortForwardingRule", "vip.ip", "=", w.vip().get("ip").asText());
        assertThat(byVip).hasSize(1);
        assertThat(byVip.get(0).get("uuid").asText()).isEqualTo(uuid(rule));
        ApiReply rest = admin.get("/v1/port-forwarding?q=vmNic.ip=" + ipOn(w.vm(), w.guest().uuid()) + "&q=protocolType=TCP");
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.inventories()).hasSize(1);
        assertThat(admin.get("/v1/port-forwarding/" + uuid(rule)).inventories().get(0).get("vipPortStart").asInt()).isEqualTo(3306);
        assertThat(query("QueryVip", "portForwarding.vipPortStart", "=", "3306")).hasSize(2);
    }

    @Test
    void attachableNicsAreUserNicsOnOtherL3s() {
        World w = world();
        JsonNode both = fx.userVm(w.pub().uuid(), w.guest().uuid());
        String applianceNic = fx.applianceNic(w.guest().uuid());
        JsonNode rule = created(w.vip(), "vipPortStart", 8000, "protocolType", "TCP");
        List<String> nics = new ArrayList<>();
        admin.ok("GetPortForwardingAttachableVmNics", params("ruleUuid", uuid(rule))).get("inventories")
                .forEach(n -> nics.add(n.get("uuid").asText()));
        assertThat(nics).contains(w.nic(), nicOn(both, w.guest().uuid()))
                .doesNotContain(nicOn(both, w.pub().uuid()), applianceNic);
        inventory("AttachPortForwardingRule", "ruleUuid", uuid(rule), "vmNicUuid", w.nic());
        assertThat(admin.ok("GetPortForwardingAttachableVmNics", params("ruleUuid", uuid(rule))).get("inventories")).isEmpty();
    }

    @Test
    void restartKeepsRulesAndVips() {
        World w = world();
        JsonNode rule = created(w.vip(), "vipPortStart", 5000, "vipPortEnd", 5010, "privatePortStart", 6000,
                "protocolType", "UDP", "vmNicUuid", w.nic(), "allowedCidr", "10.0.0.0/8");
        restart();
        JsonNode after = query("QueryPortForwardingRule", "uuid", "=", uuid(rule)).get(0);
        assertThat(after).isEqualTo(rule);
        assertThat(query("QueryVip", "uuid", "=", uuid(w.vip())).get(0).get("useFor").asText()).isEqualTo("PortForwarding");
        assertThat(create(w.vip(), "vipPortStart", 5010, "protocolType", "UDP").errorCode()).isEqualTo("SYS.1007");
        assertThat(node.node().portForwarding().activeRulesOnGuestL3(w.guest().uuid())).hasSize(1);
    }

    // ---------------------------------------------------------------- races

    @Test
    @Timeout(180)
    void fiftyIdenticalCreatesAtOnceLeaveExactlyOne() throws Exception {
        World w = world();
        List<ApiReply> replies = race(50, i -> create(w.vip(), "vipPortStart", 8080, "vipPortEnd", 8090, "protocolType", "TCP",
                "vmNicUuid", w.nic()));
        assertThat(replies.stream().filter(ApiReply::ok).count()).isEqualTo(1);
        replies.stream().filter(r -> !r.ok()).forEach(r -> {
            assertThat(r.errorCode()).isEqualTo("SYS.1007");
            assertThat(r.errorDetails()).startsWith("VIP port range 8080-8090 (TCP) overlaps ");
        });
        assertThat(query("QueryPortForwardingRule", "vipUuid", "=", uuid(w.vip()))).hasSize(1);
        assertThat(applier.calls()).hasSize(1);
    }

    @Test
    @Timeout(180)
    void overlappingRangesRacingLeaveOneAndProtocolsDoNotCollide() throws Exception {
        World w = world();
        for (int round = 0; round < 10; round++) {
            int base = 1000 + round * 100;
            List<ApiReply> replies = race(4, i -> switch (i) {
                case 0 -> create(w.vip(), "vipPortStart", base, "vipPortEnd", base + 10, "protocolType", "TCP");
                case 1 -> create(w.vip(), "vipPortStart", base + 10, "vipPortEnd", base + 20, "protocolType", "TCP");
                case 2 -> create(w.vip(), "vipPortStart", base, "vipPortEnd", base + 10, "protocolType", "UDP");
                default -> create(w.vip(), "vipPortStart", base + 30, "protocolType", "TCP");
            });
            assertThat(replies.get(0).ok() ^ replies.get(1).ok()).as("round %d: exactly one TCP range wins", round).isTrue();
            assertThat(replies.get(2).ok()).isTrue();
            assertThat(replies.get(3).ok()).isTrue();
        }
        assertThat(query("QueryPortForwardingRule", "vipUuid", "=", uuid(w.vip()))).hasSize(30);
    }

    @Test
    @Timeout(120)
    void anEipAndARuleRacingForOneVipLeaveOne() throws Exception {
        World w = world();
        for (int round = 0; round < 5; round++) {
            JsonNode vip = fx.vip(w.pub().uuid());
            List<ApiReply> replies = race(2, i -> i == 0
                    ? call("CreateEip", "name", "race", "vipUuid", uuid(vip))
                    : create(vip, "vipPortStart", 22, "protocolType", "TCP"));
            assertThat(replies.get(0).ok() ^ replies.get(1).ok()).as("round %d: %s", round, replies).isTrue();
            String useFor = query("QueryVip", "uuid", "=", uuid(vip)).get(0).get("useFor").asText();
            assertThat(useFor).isEqualTo(replies.get(0).ok() ? "Eip" : "PortForwarding");
        }
    }
}
