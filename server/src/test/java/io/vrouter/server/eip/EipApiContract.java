package io.vrouter.server.eip;

import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiReply;
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

/** The EIP APIs over HTTP: every check of reference §4, the applier calls, queries, VM destroy, races. */
abstract class EipApiContract extends RulesApiContractBase {

    /** A public L3, a guest L3 and a running VM on the guest L3. */
    private record World(NetworkFixture.L3 pub, NetworkFixture.L3 guest, JsonNode vm, String nic) {
    }

    private World world() {
        NetworkFixture.L3 pub = fx.l3(fx.nextPrefix(), 10, 200);
        NetworkFixture.L3 guest = fx.l3(fx.nextPrefix(), 10, 200);
        JsonNode vm = fx.userVm(guest.uuid());
        return new World(pub, guest, vm, nicOn(vm, guest.uuid()));
    }

    private String describe(JsonNode vip) {
        return "VIP " + vip.get("name").asText() + " (" + vip.get("ip").asText() + ", " + uuid(vip) + ")";
    }

    private String describeNic(JsonNode vm, String l3) {
        return "VM nic " + nicOn(vm, l3) + " (" + ipOn(vm, l3) + " of VM " + vm.get("name").asText() + ")";
    }

    @Test
    void createEipWithANicAttachesItAndAppliesIt() {
        World w = world();
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode eip = inventory("CreateEip", "name", "web", "vipUuid", uuid(vip), "vmNicUuid", w.nic(), "description", "d");

        List<String> fields = new ArrayList<>();
        eip.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("uuid", "name", "description", "vmNicUuid", "vipUuid", "state", "vipIp", "guestIp",
                "createDate", "lastOpDate");
        assertThat(eip.get("vmNicUuid").asText()).isEqualTo(w.nic());
        assertThat(eip.get("vipUuid").asText()).isEqualTo(uuid(vip));
        assertThat(eip.get("state").asText()).isEqualTo("Enabled");
        assertThat(eip.get("vipIp").asText()).isEqualTo(vip.get("ip").asText());
        assertThat(eip.get("guestIp").asText()).isEqualTo(ipOn(w.vm(), w.guest().uuid()));

        EipView expected = new EipView(uuid(eip), "web", "Enabled", uuid(vip), vip.get("ip").asText(), "255.255.255.0",
                w.pub().gateway(), w.pub().uuid(), w.nic(), uuid(w.vm()), ipOn(w.vm(), w.guest().uuid()),
                mac(w.vm(), w.nic()), w.guest().uuid(), "Running");
        assertThat(applier.calls()).hasSize(1);
        assertThat(applier.calls().get(0).kind()).isEqualTo("eipAttached");
        assertThat(applier.calls().get(0).view()).isEqualTo(expected);
        assertThat(applier.calls().get(0).rowExisted()).isTrue();
        assertThat(node.node().eips().activeEipsOnGuestL3(w.guest().uuid())).containsExactly(expected);
        assertThat(node.node().eips().activeEipsOnGuestL3(w.pub().uuid())).isEmpty();
    }

    private static String mac(JsonNode vm, String nicUuid) {
        for (JsonNode nic : vm.get("vmNics")) {
            if (nic.get("uuid").asText().equals(nicUuid)) {
                return nic.get("mac").asText();
            }
        }
        throw new AssertionError("no nic " + nicUuid);
    }

    @Test
    void createEipWithoutANicCallsNothingThenAttachAndDetachDo() {
        World w = world();
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode eip = inventory("CreateEip", "name", "later", "vipUuid", uuid(vip));
        assertThat(eip.get("vmNicUuid").isNull()).isTrue();
        assertThat(eip.get("guestIp").isNull()).isTrue();
        assertThat(applier.calls()).isEmpty();

        JsonNode attached = inventory("AttachEip", "eipUuid", uuid(eip), "vmNicUuid", w.nic());
        assertThat(attached.get("vmNicUuid").asText()).isEqualTo(w.nic());
        assertThat(applier.kinds()).containsExactly("eipAttached:later");

        JsonNode detached = inventory("DetachEip", "uuid", uuid(eip));
        assertThat(detached.get("vmNicUuid").isNull()).isTrue();
        assertThat(applier.kinds()).containsExactly("eipAttached:later", "eipDetached:later");
        assertThat(applier.calls().get(1).view()).isEqualTo(applier.calls().get(0).view());
        assertThat(node.node().eips().activeEipsOnGuestL3(w.guest().uuid())).isEmpty();
    }

    @Test
    void anEipNeedsAVipUsedByNothingElse() {
        World w = world();
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode first = inventory("CreateEip", "name", "first", "vipUuid", uuid(vip));
        int before = count("eip");
        assertInvalid(call("CreateEip", "name", "second", "vipUuid", uuid(vip)),
                describe(vip) + " is already used by EIP first (" + uuid(first) + "); a VIP takes one EIP");

        JsonNode pfVip = fx.vip(w.pub().uuid());
        JsonNode rule = inventory("CreatePortForwardingRule", "name", "ssh", "vipUuid", uuid(pfVip), "vipPortStart", 22, "protocolType", "TCP");
        assertInvalid(call("CreateEip", "name", "third", "vipUuid", uuid(pfVip)),
                describe(pfVip) + " is used for PortForwarding (rule ssh, " + uuid(rule) + "); an EIP needs a VIP used by nothing else");

        JsonNode snatVip = fx.vip(w.pub().uuid());
        node.node().vips().setSnat(uuid(snatVip), true);
        assertInvalid(call("CreateEip", "name", "fourth", "vipUuid", uuid(snatVip)),
                describe(snatVip) + " is used for SNAT; an EIP needs a VIP used by nothing else");
        String missing = "0123456789abcdef0123456789abcdef";
        assertError(call("CreateEip", "name", "fifth", "vipUuid", missing), 404, "SYS.1003", "no VIP with uuid " + missing);
        assertThat(count("eip")).isEqualTo(before);
        assertThat(applier.calls()).isEmpty();
    }

    @Test
    void theNicMustNotBeOnTheVipsL3() {
        World w = world();
        JsonNode onPublic = fx.userVm(w.pub().uuid(), w.guest().uuid());
        JsonNode vip = fx.vip(w.pub().uuid());
        int before = count("eip");
        assertInvalid(call("CreateEip", "name", "x", "vipUuid", uuid(vip), "vmNicUuid", nicOn(onPublic, w.pub().uuid())),
                describeNic(onPublic, w.pub().uuid()) + " is on L3 network " + w.pub().uuid() + ", the L3 of " + describe(vip)
                        + "; an EIP needs a nic on another (guest) L3");
        assertThat(count("eip")).isEqualTo(before);
        // its other nic is fine
        assertThat(inventory("CreateEip", "name", "y", "vipUuid", uuid(vip), "vmNicUuid", nicOn(onPublic, w.guest().uuid()))
                .get("guestIp").asText()).isEqualTo(ipOn(onPublic, w.guest().uuid()));
    }

    @Test
    void theVipMustNotLieInsideTheGuestSubnet() {
        String shared = fx.nextPrefix();
        NetworkFixture.L3 pub = fx.l3(shared, 10, 20);
        NetworkFixture.L3 guest = fx.l3(shared, 100, 120);
        JsonNode vm = fx.userVm(guest.uuid());
        JsonNode vip = fx.vip(pub.uuid());
        assertInvalid(call("CreateEip", "name", "x", "vipUuid", uuid(vip), "vmNicUuid", nicOn(vm, guest.uuid())),
                describe(vip) + " lies inside the guest subnet " + shared + ".0/24 of " + describeNic(vm, guest.uuid()));
        JsonNode eip = inventory("CreateEip", "name", "y", "vipUuid", uuid(vip));
        assertInvalid(call("AttachEip", "eipUuid", uuid(eip), "vmNicUuid", nicOn(vm, guest.uuid())),
                describe(vip) + " lies inside the guest subnet " + shared + ".0/24 of " + describeNic(vm, guest.uuid()));
        assertThat(query("QueryEip", "uuid", "=", uuid(eip)).get(0).get("vmNicUuid").isNull()).isTrue();
    }

    @Test
    void aNicOfAnApplianceVmIsRefused() {
        World w = world();
        String applianceNic = fx.applianceNic(w.guest().uuid());
        JsonNode vip = fx.vip(w.pub().uuid());
        ApiReply r = call("CreateEip", "name", "x", "vipUuid", uuid(vip), "vmNicUuid", applianceNic);
        assertThat(r.errorCode()).isEqualTo("SYS.1007");
        assertThat(r.errorDetails()).startsWith("VM nic " + applianceNic + " (")
                .endsWith(" belongs to an appliance VM (ApplianceVm); an EIP can only reach a user VM");
        JsonNode attachable = admin.ok("GetEipAttachableVmNics", params("vipUuid", uuid(vip))).get("inventories");
        List<String> nics = new ArrayList<>();
        attachable.forEach(n -> nics.add(n.get("uuid").asText()));
        assertThat(nics).contains(w.nic()).doesNotContain(applianceNic);
    }

    @Test
    void attachAndDetachNeedTheRightState() {
        World w = world();
        JsonNode other = fx.userVm(w.guest().uuid());
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode eip = inventory("CreateEip", "name", "s", "vipUuid", uuid(vip));
        assertInvalid(call("DetachEip", "uuid", uuid(eip)), "EIP s (" + uuid(eip) + ") is not attached to any VM nic");

        inventory("ChangeEipState", "uuid", uuid(eip), "stateEvent", "disable");
        assertInvalid(call("AttachEip", "eipUuid", uuid(eip), "vmNicUuid", w.nic()),
                "EIP s (" + uuid(eip) + ") is Disabled; enable it before attaching");
        inventory("ChangeEipState", "uuid", uuid(eip), "stateEvent", "enable");

        inventory("AttachEip", "eipUuid", uuid(eip), "vmNicUuid", w.nic());
        assertInvalid(call("AttachEip", "eipUuid", uuid(eip), "vmNicUuid", nicOn(other, w.guest().uuid())),
                "EIP s (" + uuid(eip) + ") is already attached to VM nic " + w.nic() + "; detach it first");

        JsonNode vip2 = fx.vip(w.pub().uuid());
        JsonNode second = inventory("CreateEip", "name", "t", "vipUuid", uuid(vip2));
        assertInvalid(call("AttachEip", "eipUuid", uuid(second), "vmNicUuid", w.nic()),
                "VM nic " + w.nic() + " already has EIP s (" + uuid(eip) + "); a nic takes one EIP");
        assertInvalid(call("CreateEip", "name", "u", "vipUuid", uuid(fx.vip(w.pub().uuid())), "vmNicUuid", w.nic()),
                "VM nic " + w.nic() + " already has EIP s (" + uuid(eip) + "); a nic takes one EIP");
        String missing = "0123456789abcdef0123456789abcdef";
        assertError(call("AttachEip", "eipUuid", uuid(second), "vmNicUuid", missing), 404, "SYS.1003", "no VM nic with uuid " + missing);
        assertError(call("DetachEip", "uuid", missing), 404, "SYS.1003", "no EIP with uuid " + missing);
    }

    @Test
    void theProvidersOwnCheckRefusesBeforeAnythingIsWritten() {
        World w = world();
        JsonNode vip = fx.vip(w.pub().uuid());
        applier.refuseAttachTo(w.nic());
        int before = count("eip");
        assertInvalid(call("CreateEip", "name", "x", "vipUuid", uuid(vip), "vmNicUuid", w.nic()), "the provider refuses nic " + w.nic());
        assertThat(count("eip")).isEqualTo(before);
    }

    @Test
    void aFailedApplyUndoesTheAttachment() {
        World w = world();
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode eip = inventory("CreateEip", "name", "f", "vipUuid", uuid(vip));
        applier.failNext("eipAttached");
        String guestIp = ipOn(w.vm(), w.guest().uuid());
        assertError(call("AttachEip", "eipUuid", uuid(eip), "vmNicUuid", w.nic()), 500, "SYS.1006",
                "applying EIP f (" + vip.get("ip").asText() + " -> " + guestIp
                        + ") failed: simulated agent failure on eipAttached; the change was undone");
        assertThat(query("QueryEip", "uuid", "=", uuid(eip)).get(0).get("vmNicUuid").isNull()).isTrue();
        assertThat(applier.kinds()).containsExactly("eipAttached:f", "eipDetached:f");

        applier.failNext("eipAttached");
        int before = count("eip");
        JsonNode vip2 = fx.vip(w.pub().uuid());
        assertThat(call("CreateEip", "name", "g", "vipUuid", uuid(vip2), "vmNicUuid", w.nic()).errorCode()).isEqualTo("SYS.1006");
        assertThat(count("eip")).isEqualTo(before);
        assertThat(query("QueryVip", "uuid", "=", uuid(vip2)).get(0).get("useFor").isNull()).isTrue();
    }

    @Test
    void aFailedRevokeKeepsTheEipAttached() {
        World w = world();
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode eip = inventory("CreateEip", "name", "k", "vipUuid", uuid(vip), "vmNicUuid", w.nic());
        applier.failNext("eipDetached");
        assertError(call("DetachEip", "uuid", uuid(eip)), 500, "SYS.1006",
                "revoking EIP k (" + vip.get("ip").asText() + " -> " + ipOn(w.vm(), w.guest().uuid())
                        + ") failed: simulated agent failure on eipDetached; nothing was changed");
        assertThat(query("QueryEip", "uuid", "=", uuid(eip)).get(0).get("vmNicUuid").asText()).isEqualTo(w.nic());
        applier.failNext("eipDetached");
        assertThat(call("DeleteEip", "uuid", uuid(eip)).errorCode()).isEqualTo("SYS.1006");
        assertThat(rowExists("eip", uuid(eip))).isTrue();
        assertThat(call("DeleteEip", "uuid", uuid(eip)).ok()).isTrue();
        assertThat(rowExists("eip", uuid(eip))).isFalse();
        assertThat(applier.calls().get(applier.calls().size() - 1).rowExisted()).isTrue();
        assertThat(query("QueryVip", "uuid", "=", uuid(vip)).get(0).get("useFor").isNull()).isTrue();
    }

    @Test
    void changeEipStateRevokesAndReapplies() {
        World w = world();
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode eip = inventory("CreateEip", "name", "st", "vipUuid", uuid(vip), "vmNicUuid", w.nic());
        applier.clear();
        assertThat(inventory("ChangeEipState", "uuid", uuid(eip), "stateEvent", "disable").get("state").asText()).isEqualTo("Disabled");
        assertThat(node.node().eips().activeEipsOnGuestL3(w.guest().uuid())).isEmpty();
        assertThat(inventory("ChangeEipState", "uuid", uuid(eip), "stateEvent", "enable").get("state").asText()).isEqualTo("Enabled");
        assertThat(applier.kinds()).containsExactly("eipDetached:st", "eipAttached:st");
        assertInvalid(call("ChangeEipState", "uuid", uuid(eip), "stateEvent", "on"),
                "parameter stateEvent: 'on' is not one of [enable, disable]");
    }

    @Test
    void aStoppedVmsEipIsRecordedButNotApplied() {
        World w = world();
        admin.ok("StopVmInstance", params("uuid", uuid(w.vm())));
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode eip = inventory("CreateEip", "name", "idle", "vipUuid", uuid(vip), "vmNicUuid", w.nic());
        assertThat(eip.get("vmNicUuid").asText()).isEqualTo(w.nic());
        assertThat(applier.calls()).isEmpty();
        assertThat(node.node().eips().activeEipsOnGuestL3(w.guest().uuid())).isEmpty();
        admin.ok("StartVmInstance", params("uuid", uuid(w.vm())));
        assertThat(node.node().eips().activeEipsOnGuestL3(w.guest().uuid())).extracting(EipView::uuid).containsExactly(uuid(eip));
        inventory("DetachEip", "uuid", uuid(eip));
        assertThat(applier.kinds()).containsExactly("eipDetached:idle");
    }

    @Test
    void destroyingTheVmDetachesItsEip() {
        World w = world();
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode eip = inventory("CreateEip", "name", "gone", "vipUuid", uuid(vip), "vmNicUuid", w.nic());
        applier.clear();
        admin.ok("DestroyVmInstance", params("uuid", uuid(w.vm())));
        assertThat(applier.kinds()).containsExactly("eipDetached:gone");
        JsonNode after = query("QueryEip", "uuid", "=", uuid(eip)).get(0);
        assertThat(after.get("vmNicUuid").isNull()).isTrue();
        assertThat(after.get("guestIp").isNull()).isTrue();
        assertThat(query("QueryVip", "uuid", "=", uuid(vip)).get(0).get("useFor").asText()).isEqualTo("Eip");
    }

    @Test
    void queryEipByNestedVipAndNicFields() {
        World w = world();
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode eip = inventory("CreateEip", "name", "q", "vipUuid", uuid(vip), "vmNicUuid", w.nic());
        inventory("CreateEip", "name", "q2", "vipUuid", uuid(fx.vip(w.pub().uuid())));
        JsonNode byVip = query("QueryEip", "vip.ip", "=", vip.get("ip").asText());
        assertThat(byVip).hasSize(1);
        assertThat(byVip.get(0).get("uuid").asText()).isEqualTo(uuid(eip));
        JsonNode byNic = query("QueryEip", "vmNic.ip", "=", ipOn(w.vm(), w.guest().uuid()));
        assertThat(byNic).hasSize(1);
        assertThat(byNic.get(0).get("uuid").asText()).isEqualTo(uuid(eip));
        ApiReply rest = admin.get("/v1/eips?q=vip.ip=" + vip.get("ip").asText());
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.inventories().get(0).get("uuid").asText()).isEqualTo(uuid(eip));
        assertThat(admin.get("/v1/eips/" + uuid(eip)).inventories().get(0).get("name").asText()).isEqualTo("q");
    }

    @Test
    void attachableNicsAreUserNicsOnOtherL3sWithoutAnEip() {
        World w = world();
        JsonNode both = fx.userVm(w.pub().uuid(), w.guest().uuid());
        JsonNode withEip = fx.userVm(w.guest().uuid());
        JsonNode vip = fx.vip(w.pub().uuid());
        inventory("CreateEip", "name", "taken", "vipUuid", uuid(fx.vip(w.pub().uuid())), "vmNicUuid", nicOn(withEip, w.guest().uuid()));
        JsonNode eip = inventory("CreateEip", "name", "free", "vipUuid", uuid(vip));

        List<String> byEip = nics(admin.ok("GetEipAttachableVmNics", params("eipUuid", uuid(eip))));
        assertThat(byEip).contains(w.nic(), nicOn(both, w.guest().uuid()))
                .doesNotContain(nicOn(both, w.pub().uuid()), nicOn(withEip, w.guest().uuid()));
        assertThat(nics(admin.ok("GetEipAttachableVmNics", params("vipUuid", uuid(vip))))).isEqualTo(byEip);

        inventory("AttachEip", "eipUuid", uuid(eip), "vmNicUuid", w.nic());
        assertThat(nics(admin.ok("GetEipAttachableVmNics", params("eipUuid", uuid(eip))))).isEmpty();
        assertInvalid(call("GetEipAttachableVmNics"), "GetEipAttachableVmNics needs exactly one of eipUuid and vipUuid");
        assertInvalid(call("GetEipAttachableVmNics", "eipUuid", uuid(eip), "vipUuid", uuid(vip)),
                "GetEipAttachableVmNics needs exactly one of eipUuid and vipUuid");
    }

    private static List<String> nics(JsonNode reply) {
        List<String> out = new ArrayList<>();
        reply.get("inventories").forEach(n -> out.add(n.get("uuid").asText()));
        return out;
    }

    @Test
    void restartKeepsEips() {
        World w = world();
        JsonNode vip = fx.vip(w.pub().uuid());
        JsonNode eip = inventory("CreateEip", "name", "kept", "vipUuid", uuid(vip), "vmNicUuid", w.nic());
        restart();
        JsonNode after = query("QueryEip", "uuid", "=", uuid(eip)).get(0);
        assertThat(after.get("vmNicUuid").asText()).isEqualTo(w.nic());
        assertThat(after.get("vipIp").asText()).isEqualTo(vip.get("ip").asText());
        assertThat(query("QueryVip", "uuid", "=", uuid(vip)).get(0).get("useFor").asText()).isEqualTo("Eip");
        assertThat(inventory("DetachEip", "uuid", uuid(eip)).get("vmNicUuid").isNull()).isTrue();
    }

    // ---------------------------------------------------------------- races

    @Test
    @Timeout(120)
    void twoEipsRacingForOneVipLeaveOne() throws Exception {
        World w = world();
        for (int round = 0; round < 5; round++) {
            JsonNode vip = fx.vip(w.pub().uuid());
            List<ApiReply> replies = race(10, i -> call("CreateEip", "name", "race-" + i, "vipUuid", uuid(vip)));
            assertThat(replies.stream().filter(ApiReply::ok).count()).isEqualTo(1);
            replies.stream().filter(r -> !r.ok()).forEach(r -> {
                assertThat(r.errorCode()).isEqualTo("SYS.1007");
                assertThat(r.errorDetails()).startsWith(describe(vip) + " is already used by EIP race-");
            });
            assertThat(query("QueryEip", "vipUuid", "=", uuid(vip))).hasSize(1);
        }
    }

    @Test
    @Timeout(120)
    void eipsOnDifferentVipsRacingForOneNicLeaveOne() throws Exception {
        World w = world();
        List<JsonNode> vips = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            vips.add(fx.vip(w.pub().uuid()));
        }
        List<ApiReply> replies = race(8, i -> call("CreateEip", "name", "nic-race-" + i, "vipUuid", uuid(vips.get(i)), "vmNicUuid", w.nic()));
        assertThat(replies.stream().filter(ApiReply::ok).count()).isEqualTo(1);
        replies.stream().filter(r -> !r.ok()).forEach(r -> {
            assertThat(r.errorCode()).isEqualTo("SYS.1007");
            assertThat(r.errorDetails()).startsWith("VM nic " + w.nic() + " already has EIP ");
        });
        assertThat(query("QueryEip", "vmNicUuid", "=", w.nic())).hasSize(1);
        assertThat(applier.calls()).hasSize(1);
    }
}
