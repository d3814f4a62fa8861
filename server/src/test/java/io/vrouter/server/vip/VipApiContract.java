package io.vrouter.server.vip;

import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.api.QueryCondition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.eip.Eips;
import io.vrouter.server.portforwarding.PortForwardingRules;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import static io.vrouter.server.testing.Infra.assertError;
import static io.vrouter.server.vip.NetworkFixture.nicOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The VIP APIs over HTTP: CreateVip, DeleteVip (with its cascade), ChangeVipState, QueryVip, useFor. */
abstract class VipApiContract extends RulesApiContractBase {

    @Test
    void createVipTakesAFreeAddressOfTheL3() {
        String p = fx.nextPrefix();
        NetworkFixture.L3 pub = fx.l3(p, 10, 20);
        JsonNode vip = inventory("CreateVip", "name", "v1", "l3NetworkUuid", pub.uuid(), "description", "for web");

        List<String> fields = new ArrayList<>();
        vip.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("uuid", "name", "description", "l3NetworkUuid", "ip", "state", "gateway", "netmask",
                "serviceProvider", "peerL3NetworkUuid", "useFor", "usedIpUuid", "createDate", "lastOpDate");
        assertThat(vip.get("name").asText()).isEqualTo("v1");
        assertThat(vip.get("description").asText()).isEqualTo("for web");
        assertThat(vip.get("l3NetworkUuid").asText()).isEqualTo(pub.uuid());
        assertThat(vip.get("state").asText()).isEqualTo("Enabled");
        assertThat(vip.get("gateway").asText()).isEqualTo(p + ".1");
        assertThat(vip.get("netmask").asText()).isEqualTo("255.255.255.0");
        assertThat(vip.get("useFor").isNull()).isTrue();
        assertThat(vip.get("serviceProvider").isNull()).isTrue();
        int last = Integer.parseInt(vip.get("ip").asText().substring(p.length() + 1));
        assertThat(last).isBetween(10, 20);
        String usedFor = node.node().database().dsl().fetchValue("select used_for from used_ip where uuid = ?",
                vip.get("usedIpUuid").asText()).toString();
        assertThat(usedFor).isEqualTo("Vip");
    }

    @Test
    void requiredIpIsTakenWhenFreeAndRefusedWhenInUseOrOutsideTheRanges() {
        String p = fx.nextPrefix();
        NetworkFixture.L3 pub = fx.l3(p, 10, 20);
        JsonNode vip = inventory("CreateVip", "name", "v", "l3NetworkUuid", pub.uuid(), "requiredIp", p + ".15");
        assertThat(vip.get("ip").asText()).isEqualTo(p + ".15");
        int before = count("vip");

        assertError(call("CreateVip", "name", "v2", "l3NetworkUuid", pub.uuid(), "requiredIp", p + ".15"), 409, "SYS.1008",
                p + ".15 is already in use on L3 network " + pub.uuid());
        assertInvalid(call("CreateVip", "name", "v3", "l3NetworkUuid", pub.uuid(), "requiredIp", p + ".30"),
                p + ".30 is neither inside an IP range nor the gateway of L3 network " + pub.uuid());
        assertInvalid(call("CreateVip", "name", "v4", "l3NetworkUuid", pub.uuid(), "requiredIp", "10.1.2"),
                "parameter requiredIp: '10.1.2' is not an IPv4 address");
        assertThat(count("vip")).isEqualTo(before);
    }

    @Test
    void ipRangeUuidChoosesTheRangeTheAddressComesFrom() {
        String p = fx.nextPrefix();
        String p2 = fx.nextPrefix();
        NetworkFixture.L3 pub = fx.l3(p, 10, 11);
        String second = fx.addRange(pub, p2, 50, 51);
        NetworkFixture.L3 other = fx.l3(fx.nextPrefix(), 10, 20);

        List<String> ips = new ArrayList<>();
        ips.add(inventory("CreateVip", "name", "a", "l3NetworkUuid", pub.uuid(), "ipRangeUuid", second).get("ip").asText());
        ips.add(inventory("CreateVip", "name", "b", "l3NetworkUuid", pub.uuid(), "ipRangeUuid", second).get("ip").asText());
        assertThat(ips).containsExactlyInAnyOrder(p2 + ".50", p2 + ".51");
        assertError(call("CreateVip", "name", "c", "l3NetworkUuid", pub.uuid(), "ipRangeUuid", second), 500, "SYS.1006",
                "IP range " + second + " of L3 network " + pub.uuid() + " has no free IP (" + p2 + ".50-" + p2 + ".51)");
        assertInvalid(call("CreateVip", "name", "d", "l3NetworkUuid", pub.uuid(), "ipRangeUuid", other.rangeUuid()),
                "IP range " + other.rangeUuid() + " belongs to L3 network " + other.uuid() + ", not to L3 network " + pub.uuid());
        assertInvalid(call("CreateVip", "name", "e", "l3NetworkUuid", pub.uuid(), "ipRangeUuid", second, "requiredIp", p + ".10"),
                "requiredIp " + p + ".10 is not inside IP range " + second + " (" + p2 + ".50-" + p2 + ".51)");
        String missing = "0123456789abcdef0123456789abcdef";
        assertError(call("CreateVip", "name", "f", "l3NetworkUuid", pub.uuid(), "ipRangeUuid", missing), 404, "SYS.1003",
                "no IP range with uuid " + missing);
    }

    @Test
    void unknownL3IsNotFound() {
        String missing = "fedcba9876543210fedcba9876543210";
        assertError(call("CreateVip", "name", "x", "l3NetworkUuid", missing), 404, "SYS.1003", "no L3 network with uuid " + missing);
        assertInvalid(call("CreateVip", "l3NetworkUuid", missing), "missing required parameter name of CreateVip");
    }

    @Test
    void aVipAddressIsNeverGivenToAVm() {
        String p = fx.nextPrefix();
        NetworkFixture.L3 small = fx.l3(p, 10, 11);
        inventory("CreateVip", "name", "v", "l3NetworkUuid", small.uuid(), "requiredIp", p + ".10");
        JsonNode vm = fx.userVm(small.uuid());
        assertThat(NetworkFixture.ipOn(vm, small.uuid())).isEqualTo(p + ".11");
        ApiReply full = call("CreateVmInstance", "name", "vm-no-room", "instanceOfferingUuid", vm.get("instanceOfferingUuid").asText(),
                "imageUuid", vm.get("imageUuid").asText(), "l3NetworkUuids", List.of(small.uuid()));
        assertThat(full.errorCode()).isEqualTo("SYS.1006");
        assertThat(full.errorDetails()).contains("has no free IP");
    }

    @Test
    void changeVipStateEnablesAndDisables() {
        JsonNode vip = fx.vip(fx.l3(fx.nextPrefix(), 10, 20).uuid());
        assertThat(inventory("ChangeVipState", "uuid", uuid(vip), "stateEvent", "disable").get("state").asText()).isEqualTo("Disabled");
        assertThat(inventory("ChangeVipState", "uuid", uuid(vip), "stateEvent", "disable").get("state").asText()).isEqualTo("Disabled");
        assertThat(inventory("ChangeVipState", "uuid", uuid(vip), "stateEvent", "enable").get("state").asText()).isEqualTo("Enabled");
        assertInvalid(call("ChangeVipState", "uuid", uuid(vip), "stateEvent", "off"),
                "parameter stateEvent: 'off' is not one of [enable, disable]");
        String missing = "00000000000000000000000000000abc";
        assertError(call("ChangeVipState", "uuid", missing, "stateEvent", "enable"), 404, "SYS.1003", "no VIP with uuid " + missing);
    }

    @Test
    void disablingAVipRevokesItsRulesAndEnablingReappliesThem() {
        NetworkFixture.L3 pub = fx.l3(fx.nextPrefix(), 10, 20);
        NetworkFixture.L3 guest = fx.l3(fx.nextPrefix(), 10, 20);
        JsonNode vm = fx.userVm(guest.uuid());
        JsonNode vip = fx.vip(pub.uuid());
        JsonNode rule = inventory("CreatePortForwardingRule", "name", "ssh", "vipUuid", uuid(vip), "vipPortStart", 22,
                "protocolType", "TCP", "vmNicUuid", nicOn(vm, guest.uuid()));
        applier.clear();
        inventory("ChangeVipState", "uuid", uuid(vip), "stateEvent", "disable");
        assertThat(applier.kinds()).containsExactly("ruleDetached:ssh");
        assertThat(node.node().portForwarding().activeRulesOnGuestL3(guest.uuid())).isEmpty();
        inventory("ChangeVipState", "uuid", uuid(vip), "stateEvent", "enable");
        assertThat(applier.kinds()).containsExactly("ruleDetached:ssh", "ruleAttached:ssh");
        assertThat(node.node().portForwarding().activeRulesOnGuestL3(guest.uuid())).extracting(v -> v.uuid())
                .containsExactly(uuid(rule));
    }

    @Test
    void deleteVipRemovesItsEipAndRulesTellingTheRouterFirstThenReleasesTheAddress() {
        NetworkFixture.L3 pub = fx.l3(fx.nextPrefix(), 10, 20);
        NetworkFixture.L3 guest = fx.l3(fx.nextPrefix(), 10, 20);
        JsonNode vm = fx.userVm(guest.uuid());
        JsonNode vm2 = fx.userVm(guest.uuid());
        JsonNode vip = fx.vip(pub.uuid());
        JsonNode eip = inventory("CreateEip", "name", "e1", "vipUuid", uuid(vip), "vmNicUuid", nicOn(vm, guest.uuid()));
        JsonNode vip2 = fx.vip(pub.uuid());
        JsonNode attached = inventory("CreatePortForwardingRule", "name", "web", "vipUuid", uuid(vip2), "vipPortStart", 80,
                "protocolType", "TCP", "vmNicUuid", nicOn(vm2, guest.uuid()));
        JsonNode loose = inventory("CreatePortForwardingRule", "name", "dns", "vipUuid", uuid(vip2), "vipPortStart", 53,
                "protocolType", "UDP");
        applier.clear();

        assertThat(call("DeleteVip", "uuid", uuid(vip)).ok()).isTrue();
        assertThat(applier.calls()).hasSize(1);
        assertThat(applier.calls().get(0).kind()).isEqualTo("eipDetached");
        assertThat(applier.calls().get(0).rowExisted()).isTrue();
        assertThat(rowExists("eip", uuid(eip))).isFalse();
        assertThat(rowExists("vip", uuid(vip))).isFalse();
        assertThat(rowExists("used_ip", vip.get("usedIpUuid").asText())).isFalse();

        applier.clear();
        assertThat(call("DeleteVip", "uuid", uuid(vip2)).ok()).isTrue();
        assertThat(applier.kinds()).containsExactly("ruleDetached:web");
        assertThat(applier.calls().get(0).rowExisted()).isTrue();
        assertThat(rowExists("port_forwarding_rule", uuid(attached))).isFalse();
        assertThat(rowExists("port_forwarding_rule", uuid(loose))).isFalse();

        // the address is free again
        assertThat(inventory("CreateVip", "name", "again", "l3NetworkUuid", pub.uuid(), "requiredIp", vip.get("ip").asText())
                .get("ip").asText()).isEqualTo(vip.get("ip").asText());
        String missing = "00000000000000000000000000000def";
        assertError(call("DeleteVip", "uuid", missing), 404, "SYS.1003", "no VIP with uuid " + missing);
    }

    @Test
    void deleteVipKeepsEverythingWhenTheRouterCannotRevoke() {
        NetworkFixture.L3 pub = fx.l3(fx.nextPrefix(), 10, 20);
        NetworkFixture.L3 guest = fx.l3(fx.nextPrefix(), 10, 20);
        JsonNode vm = fx.userVm(guest.uuid());
        JsonNode vip = fx.vip(pub.uuid());
        JsonNode eip = inventory("CreateEip", "name", "stuck", "vipUuid", uuid(vip), "vmNicUuid", nicOn(vm, guest.uuid()));
        applier.failNext("eipDetached");
        assertError(call("DeleteVip", "uuid", uuid(vip)), 500, "SYS.1006",
                "revoking EIP stuck (" + vip.get("ip").asText() + " -> " + eip.get("guestIp").asText()
                        + ") failed: simulated agent failure on eipDetached; nothing was changed");
        assertThat(rowExists("vip", uuid(vip))).isTrue();
        assertThat(query("QueryEip", "uuid", "=", uuid(eip)).get(0).get("vmNicUuid").asText()).isEqualTo(nicOn(vm, guest.uuid()));
    }

    @Test
    void useForShowsWhatUsesTheVip() {
        NetworkFixture.L3 pub = fx.l3(fx.nextPrefix(), 10, 20);
        JsonNode vip = fx.vip(pub.uuid());
        JsonNode rule = inventory("CreatePortForwardingRule", "name", "r", "vipUuid", uuid(vip), "vipPortStart", 8080, "protocolType", "TCP");
        assertThat(useFor(vip)).isEqualTo("PortForwarding");
        node.node().vips().setSnat(uuid(vip), true);
        assertThat(useFor(vip)).isEqualTo("PortForwarding,SNAT");
        assertThat(call("DeletePortForwardingRule", "uuid", uuid(rule)).ok()).isTrue();
        assertThat(useFor(vip)).isEqualTo("SNAT");
        node.node().vips().setSnat(uuid(vip), false);
        assertThat(useFor(vip)).isNull();
        inventory("CreateEip", "name", "e", "vipUuid", uuid(vip));
        assertThat(useFor(vip)).isEqualTo("Eip");
        assertThatThrownBy(() -> node.node().vips().setSnat(uuid(vip), true))
                .isInstanceOf(ApiException.class)
                .hasMessage("VIP " + vip.get("name").asText() + " (" + vip.get("ip").asText() + ", " + uuid(vip)
                        + ") is used by an EIP; it cannot serve SNAT as well");
    }

    private String useFor(JsonNode vip) {
        JsonNode v = query("QueryVip", "uuid", "=", uuid(vip)).get(0).get("useFor");
        return v.isNull() ? null : v.asText();
    }

    @Test
    void queryVipByRestAndByNestedFields() {
        NetworkFixture.L3 pub = fx.l3(fx.nextPrefix(), 10, 20);
        JsonNode vip = fx.vip(pub.uuid());
        JsonNode other = fx.vip(pub.uuid());
        inventory("CreateEip", "name", "nested-eip-" + uuid(vip), "vipUuid", uuid(vip));
        ApiReply rest = admin.get("/v1/vips?q=ip=" + vip.get("ip").asText() + "&q=l3NetworkUuid=" + pub.uuid());
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.inventories()).hasSize(1);
        assertThat(rest.inventories().get(0).get("uuid").asText()).isEqualTo(uuid(vip));
        assertThat(admin.get("/v1/vips/" + uuid(other)).inventories().get(0).get("ip").asText()).isEqualTo(other.get("ip").asText());
        JsonNode byEip = query("QueryVip", "eip.name", "=", "nested-eip-" + uuid(vip));
        assertThat(byEip).hasSize(1);
        assertThat(byEip.get(0).get("uuid").asText()).isEqualTo(uuid(vip));
    }

    @Test
    void vipsInUseOnAGuestL3AreThoseOfActiveEipsAndRules() {
        NetworkFixture.L3 pub = fx.l3(fx.nextPrefix(), 10, 200);
        NetworkFixture.L3 guest = fx.l3(fx.nextPrefix(), 10, 20);
        JsonNode vm = fx.userVm(guest.uuid());
        String nic = nicOn(vm, guest.uuid());
        JsonNode eipVip = fx.vip(pub.uuid());
        inventory("CreateEip", "name", "e", "vipUuid", uuid(eipVip), "vmNicUuid", nic);
        JsonNode pfVip = fx.vip(pub.uuid());
        inventory("CreatePortForwardingRule", "name", "a", "vipUuid", uuid(pfVip), "vipPortStart", 80, "protocolType", "TCP", "vmNicUuid", nic);
        inventory("CreatePortForwardingRule", "name", "b", "vipUuid", uuid(pfVip), "vipPortStart", 443, "protocolType", "TCP", "vmNicUuid", nic);
        JsonNode unattached = fx.vip(pub.uuid());
        inventory("CreatePortForwardingRule", "name", "c", "vipUuid", uuid(unattached), "vipPortStart", 80, "protocolType", "TCP");
        fx.vip(pub.uuid());

        List<VipView> inUse = node.node().vips().vipsInUseOnGuestL3(guest.uuid());
        assertThat(inUse).extracting(VipView::uuid).containsExactlyInAnyOrder(uuid(eipVip), uuid(pfVip));
        VipView e = inUse.stream().filter(v -> v.uuid().equals(uuid(eipVip))).findFirst().orElseThrow();
        assertThat(e).isEqualTo(new VipView(uuid(eipVip), eipVip.get("name").asText(), eipVip.get("ip").asText(), "255.255.255.0",
                pub.gateway(), pub.uuid(), "Enabled", "Eip"));
        assertThat(node.node().vips().vipsInUseOnGuestL3(pub.uuid())).isEmpty();

        admin.ok("StopVmInstance", Infra.params("uuid", uuid(vm)));
        assertThat(node.node().vips().vipsInUseOnGuestL3(guest.uuid())).isEmpty();
    }

    @Test
    void whatARouterServesIsQueryableByItsUuid() {
        NetworkFixture.L3 pub = fx.l3(fx.nextPrefix(), 10, 200);
        NetworkFixture.L3 guest = fx.l3(fx.nextPrefix(), 10, 20);
        NetworkFixture.L3 elsewhere = fx.l3(fx.nextPrefix(), 10, 20);
        JsonNode vm = fx.userVm(guest.uuid());
        JsonNode far = fx.userVm(elsewhere.uuid());
        String nic = nicOn(vm, guest.uuid());
        JsonNode eipVip = fx.vip(pub.uuid());
        JsonNode eip = inventory("CreateEip", "name", "e", "vipUuid", uuid(eipVip), "vmNicUuid", nic);
        JsonNode pfVip = fx.vip(pub.uuid());
        inventory("CreatePortForwardingRule", "name", "a", "vipUuid", uuid(pfVip), "vipPortStart", 80, "protocolType", "TCP", "vmNicUuid", nic);
        inventory("CreatePortForwardingRule", "name", "b", "vipUuid", uuid(pfVip), "vipPortStart", 81, "protocolType", "TCP", "vmNicUuid", nic);
        inventory("CreatePortForwardingRule", "name", "c", "vipUuid", uuid(pfVip), "vipPortStart", 82, "protocolType", "TCP");
        inventory("CreateEip", "name", "far", "vipUuid", uuid(fx.vip(pub.uuid())), "vmNicUuid", nicOn(far, elsewhere.uuid()));
        String router = Uuid.random();
        node.node().database().dsl().execute("insert into virtual_router_guest_l3 (l3_network_uuid, virtual_router_uuid, create_date)"
                + " values (?, ?, ?)", guest.uuid(), router, LocalDateTime.now());

        QueryCondition byRouter = new QueryCondition("virtualRouterUuid", "=", router);
        var engine = node.node().queryEngine();
        assertThat(engine.find(Eips.VIRTUAL_ROUTER_EIP, byRouter)).extracting(m -> m.get("uuid"))
                .containsExactly(uuid(eip));
        assertThat(engine.find(PortForwardingRules.VIRTUAL_ROUTER_PORT_FORWARDING, byRouter))
                .extracting(m -> m.get("name")).containsExactlyInAnyOrder("a", "b");
        assertThat(engine.find(Vips.VIRTUAL_ROUTER_VIP, byRouter)).extracting(m -> m.get("uuid"))
                .containsExactlyInAnyOrder(uuid(eipVip), uuid(pfVip));
    }
}
