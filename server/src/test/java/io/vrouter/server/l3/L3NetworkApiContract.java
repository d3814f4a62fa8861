package io.vrouter.server.l3;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.vrouter.server.testing.Infra.MISSING;
import static io.vrouter.server.testing.Infra.assertError;
import static io.vrouter.server.testing.Infra.cond;
import static io.vrouter.server.testing.Infra.params;
import static org.assertj.core.api.Assertions.assertThat;

/** L3 networks, IP ranges, DNS and GetFreeIp over HTTP, once per database (see the subclasses). */
abstract class L3NetworkApiContract extends NodeContract {
    private static final String MASK24 = "255.255.255.0";

    private IpAllocator allocator() {
        return new IpAllocator(node.node().database().dsl(), node.clock());
    }

    private JsonNode l3(String uuid) {
        return infra.query("QueryL3Network", cond("uuid", "=", uuid)).get(0);
    }

    private JsonNode addRange(String l3, String name, String start, String end, String netmask, String gateway) {
        return infra.create("AddIpRange", "l3NetworkUuid", l3, "name", name, "startIp", start, "endIp", end, "netmask", netmask,
                "gateway", gateway);
    }

    private ApiReply tryRange(String l3, String start, String end, String netmask, String gateway) {
        return admin.call("AddIpRange", params("l3NetworkUuid", l3, "name", "bad", "startIp", start, "endIp", end,
                "netmask", netmask, "gateway", gateway));
    }

    private long rangeCount() {
        return infra.count("QueryIpRange");
    }

    // ---------------------------------------------------------------- L3 networks

    @Test
    void createUpdateAndChangeState() {
        String zone = infra.zone();
        String l2 = infra.l2(zone);
        String name = Infra.unique("l3");
        JsonNode l3 = infra.create("CreateL3Network", "l2NetworkUuid", l2, "name", name, "description", "guests");
        assertThat(l3.get("zoneUuid").asText()).isEqualTo(zone);
        assertThat(l3.get("l2NetworkUuid").asText()).isEqualTo(l2);
        assertThat(l3.get("type").asText()).isEqualTo("L3BasicNetwork");
        assertThat(l3.get("state").asText()).isEqualTo("Enabled");
        assertThat(l3.get("system").asBoolean()).isFalse();
        assertThat(l3.get("dnsDomain").isNull()).isTrue();
        assertThat(l3.get("dns")).isEmpty();
        assertThat(l3.get("ipRanges")).isEmpty();
        assertThat(l3.get("description").asText()).isEqualTo("guests");
        String uuid = l3.get("uuid").asText();

        JsonNode updated = infra.create("UpdateL3Network", "uuid", uuid, "system", true, "dnsDomain", "corp.example.com");
        assertThat(updated.get("system").asBoolean()).isTrue();
        assertThat(updated.get("dnsDomain").asText()).isEqualTo("corp.example.com");
        assertThat(updated.get("name").asText()).isEqualTo(name);
        assertThat(infra.create("UpdateL3Network", "uuid", uuid, "name", "renamed-" + name).get("name").asText()).isEqualTo("renamed-" + name);
        assertError(admin.call("UpdateL3Network", Map.of("uuid", uuid, "dnsDomain", "bad domain")), 400, "SYS.1007",
                "dnsDomain 'bad domain' is not a domain name such as example.com");

        assertThat(infra.create("ChangeL3NetworkState", "uuid", uuid, "stateEvent", "disable").get("state").asText()).isEqualTo("Disabled");
        L3NetworkRecord record = node.node().l3Networks().find(uuid).orElseThrow();
        assertThat(record).isEqualTo(new L3NetworkRecord(uuid, "renamed-" + name, zone, l2, "L3BasicNetwork", "Disabled", true,
                "corp.example.com"));
        assertThat(infra.create("ChangeL3NetworkState", "uuid", uuid, "stateEvent", "enable").get("state").asText()).isEqualTo("Enabled");

        JsonNode system = infra.create("CreateL3Network", "l2NetworkUuid", l2, "name", Infra.unique("mgmt"), "system", true,
                "dnsDomain", "mgmt.local");
        assertThat(system.get("system").asBoolean()).isTrue();
        assertThat(system.get("dnsDomain").asText()).isEqualTo("mgmt.local");
        assertThat(admin.get("/v1/l3-networks/" + uuid).inventories().get(0).get("uuid").asText()).isEqualTo(uuid);
    }

    @Test
    void createNeedsAnExistingL2AndValidValues() {
        long before = infra.count("QueryL3Network");
        assertError(admin.call("CreateL3Network", Map.of("l2NetworkUuid", MISSING, "name", "x")), 404, "SYS.1003",
                "no L2NetworkVO with uuid " + MISSING);
        String l2 = infra.l2(infra.zone());
        assertError(admin.call("CreateL3Network", Map.of("l2NetworkUuid", l2, "name", "x", "type", "L3VpcNetwork")), 400, "SYS.1007",
                "parameter type: 'L3VpcNetwork' is not one of [L3BasicNetwork]");
        assertError(admin.call("CreateL3Network", Map.of("l2NetworkUuid", l2, "name", "x", "dnsDomain", "-bad.com")), 400, "SYS.1007",
                "dnsDomain '-bad.com' is not a domain name such as example.com");
        assertThat(infra.count("QueryL3Network")).isEqualTo(before);
        assertError(admin.call("ChangeL3NetworkState", Map.of("uuid", MISSING, "stateEvent", "enable")), 404, "SYS.1003",
                "no L3NetworkVO with uuid " + MISSING);
    }

    // ---------------------------------------------------------------- DNS

    @Test
    void dnsOrderIsKeptAcrossAddAndRemove() {
        String l3 = infra.l3();
        for (String dns : List.of("8.8.8.8", "1.1.1.1", "9.9.9.9")) {
            admin.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", dns));
        }
        assertThat(l3(l3).get("dns")).extracting(JsonNode::asText).containsExactly("8.8.8.8", "1.1.1.1", "9.9.9.9");
        JsonNode removed = admin.ok("RemoveDnsFromL3Network", Map.of("l3NetworkUuid", l3, "dns", "1.1.1.1")).get("inventory");
        assertThat(removed.get("dns")).extracting(JsonNode::asText).containsExactly("8.8.8.8", "9.9.9.9");
        JsonNode added = admin.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", "1.1.1.1")).get("inventory");
        assertThat(added.get("dns")).extracting(JsonNode::asText).containsExactly("8.8.8.8", "9.9.9.9", "1.1.1.1");
        assertThat(node.node().l3Networks().dnsOf(l3)).containsExactly("8.8.8.8", "9.9.9.9", "1.1.1.1");

        String name = l3(l3).get("name").asText();
        assertError(admin.call("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", "9.9.9.9")), 409, "SYS.1008",
                "L3 network " + name + " (" + l3 + ") already has DNS 9.9.9.9");
        assertError(admin.call("RemoveDnsFromL3Network", Map.of("l3NetworkUuid", l3, "dns", "4.4.4.4")), 400, "SYS.1007",
                "L3 network " + name + " (" + l3 + ") has no DNS 4.4.4.4; its DNS servers are [8.8.8.8, 9.9.9.9, 1.1.1.1]");
        assertError(admin.call("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", "300.1.1.1")), 400, "SYS.1007",
                "parameter dns: '300.1.1.1' is not an IPv4 address");
        assertError(admin.call("AddDnsToL3Network", Map.of("l3NetworkUuid", MISSING, "dns", "1.2.3.4")), 404, "SYS.1003",
                "no L3NetworkVO with uuid " + MISSING);
        assertThat(node.node().l3Networks().dnsOf(l3)).containsExactly("8.8.8.8", "9.9.9.9", "1.1.1.1");
        assertThat(infra.query("QueryL3Network", cond("dns.dns", "=", "9.9.9.9"), cond("uuid", "=", l3))).hasSize(1);
    }

    // ---------------------------------------------------------------- IP ranges

    @Test
    void addIpRangeFillsItsFieldsAndShowsInTheL3() {
        String l3 = infra.l3();
        JsonNode range = addRange(l3, "pool", "10.0.0.10", "10.0.0.100", MASK24, "10.0.0.1");
        assertThat(range.get("l3NetworkUuid").asText()).isEqualTo(l3);
        assertThat(range.get("name").asText()).isEqualTo("pool");
        assertThat(range.get("startIp").asText()).isEqualTo("10.0.0.10");
        assertThat(range.get("endIp").asText()).isEqualTo("10.0.0.100");
        assertThat(range.get("netmask").asText()).isEqualTo(MASK24);
        assertThat(range.get("gateway").asText()).isEqualTo("10.0.0.1");
        assertThat(range.get("networkCidr").asText()).isEqualTo("10.0.0.0/24");
        JsonNode shown = l3(l3).get("ipRanges");
        assertThat(shown).hasSize(1);
        assertThat(shown.get(0).get("uuid").asText()).isEqualTo(range.get("uuid").asText());
        assertThat(shown.get(0).get("startIp").asText()).isEqualTo("10.0.0.10");
        assertThat(node.node().ipRanges().rangesOf(l3)).containsExactly(new IpRangeRecord(range.get("uuid").asText(), l3, "pool",
                "10.0.0.10", "10.0.0.100", MASK24, "10.0.0.1", "10.0.0.0/24"));
    }

    @Test
    void aRangeMustBeOrderedContiguousAndInsideOneSubnetWithoutGatewayNetworkOrBroadcast() {
        String l3 = infra.l3();
        long before = rangeCount();
        assertError(tryRange(l3, "10.0.0.20", "10.0.0.10", MASK24, "10.0.0.1"), 400, "SYS.1007",
                "startIp 10.0.0.20 is after endIp 10.0.0.10");
        assertError(tryRange(l3, "10.0.0.10", "10.0.0.20", "255.0.255.0", "10.0.0.1"), 400, "SYS.1007",
                "netmask 255.0.255.0 is not a valid netmask: its one bits must be contiguous, e.g. 255.255.255.0");
        assertError(tryRange(l3, "10.0.0.10", "10.0.0.10", "255.255.255.254", "10.0.0.11"), 400, "SYS.1007",
                "netmask 255.255.255.254 (/31) leaves no room for a gateway and hosts; use /30 or a shorter prefix");
        assertError(tryRange(l3, "10.0.1.5", "10.0.1.20", MASK24, "10.0.0.1"), 400, "SYS.1007",
                "startIp 10.0.1.5 is outside the subnet 10.0.0.0/24 of gateway 10.0.0.1 and netmask 255.255.255.0");
        assertError(tryRange(l3, "10.0.0.5", "10.0.1.20", MASK24, "10.0.0.1"), 400, "SYS.1007",
                "endIp 10.0.1.20 is outside the subnet 10.0.0.0/24 of gateway 10.0.0.1 and netmask 255.255.255.0");
        assertError(tryRange(l3, "10.0.0.1", "10.0.0.50", MASK24, "10.0.0.1"), 400, "SYS.1007",
                "the range 10.0.0.1-10.0.0.50 contains the gateway 10.0.0.1");
        assertError(tryRange(l3, "10.0.0.2", "10.0.0.50", MASK24, "10.0.0.20"), 400, "SYS.1007",
                "the range 10.0.0.2-10.0.0.50 contains the gateway 10.0.0.20");
        assertError(tryRange(l3, "10.0.0.0", "10.0.0.50", MASK24, "10.0.0.254"), 400, "SYS.1007",
                "the range 10.0.0.0-10.0.0.50 contains the network address 10.0.0.0 of 10.0.0.0/24");
        assertError(tryRange(l3, "10.0.0.200", "10.0.0.255", MASK24, "10.0.0.1"), 400, "SYS.1007",
                "the range 10.0.0.200-10.0.0.255 contains the broadcast address 10.0.0.255 of 10.0.0.0/24");
        assertError(tryRange(l3, "10.0.0.2", "10.0.0.50", MASK24, "10.0.0.300"), 400, "SYS.1007",
                "parameter gateway: '10.0.0.300' is not an IPv4 address");
        assertError(tryRange(MISSING, "10.0.0.2", "10.0.0.50", MASK24, "10.0.0.1"), 404, "SYS.1003",
                "no L3NetworkVO with uuid " + MISSING);
        assertThat(rangeCount()).isEqualTo(before);
        // the gateway may sit at the end of the subnet, below or above the range
        addRange(l3, Infra.unique("r"), "10.0.0.2", "10.0.0.253", MASK24, "10.0.0.254");
    }

    @Test
    void rangesOfOneL3MustNotOverlapAndMustShareTheSubnet() {
        String l3 = infra.l3();
        JsonNode first = addRange(l3, "first", "10.0.0.100", "10.0.0.200", MASK24, "10.0.0.1");
        String label = "first (" + first.get("uuid").asText() + ") 10.0.0.100-10.0.0.200";
        long before = rangeCount();
        assertError(tryRange(l3, "10.0.0.50", "10.0.0.100", MASK24, "10.0.0.1"), 400, "SYS.1007",
                "the range 10.0.0.50-10.0.0.100 overlaps IP range " + label);
        assertError(tryRange(l3, "10.0.0.200", "10.0.0.210", MASK24, "10.0.0.1"), 400, "SYS.1007",
                "the range 10.0.0.200-10.0.0.210 overlaps IP range " + label);
        assertError(tryRange(l3, "10.0.0.120", "10.0.0.130", MASK24, "10.0.0.1"), 400, "SYS.1007",
                "the range 10.0.0.120-10.0.0.130 overlaps IP range " + label);
        assertError(tryRange(l3, "10.0.0.2", "10.0.0.250", MASK24, "10.0.0.1"), 400, "SYS.1007",
                "the range 10.0.0.2-10.0.0.250 overlaps IP range " + label);
        assertError(tryRange(l3, "10.0.0.2", "10.0.0.50", "255.255.0.0", "10.0.0.1"), 400, "SYS.1007",
                "IP range " + label + " of this L3 network has gateway 10.0.0.1 and netmask 255.255.255.0; all ranges of an L3 "
                        + "network share one subnet, but this one has gateway 10.0.0.1 and netmask 255.255.0.0");
        assertError(tryRange(l3, "10.0.0.2", "10.0.0.50", MASK24, "10.0.0.254"), 400, "SYS.1007",
                "IP range " + label + " of this L3 network has gateway 10.0.0.1 and netmask 255.255.255.0; all ranges of an L3 "
                        + "network share one subnet, but this one has gateway 10.0.0.254 and netmask 255.255.255.0");
        assertThat(rangeCount()).isEqualTo(before);

        // adjacent on both sides is fine, and the same addresses on another L3 too
        addRange(l3, "below", "10.0.0.2", "10.0.0.99", MASK24, "10.0.0.1");
        addRange(l3, "above", "10.0.0.201", "10.0.0.254", MASK24, "10.0.0.1");
        addRange(infra.l3(), "elsewhere", "10.0.0.100", "10.0.0.200", MASK24, "10.0.0.1");
        assertThat(l3(l3).get("ipRanges")).extracting(n -> n.get("name").asText()).containsExactlyInAnyOrder("first", "below", "above");
        assertThat(node.node().ipRanges().rangesOf(l3)).extracting(IpRangeRecord::name).containsExactly("below", "first", "above");
    }

    @Test
    void addIpRangeByNetworkCidrTakesTheFirstAddressAsGateway() {
        String l3 = infra.l3();
        JsonNode range = infra.create("AddIpRangeByNetworkCidr", "l3NetworkUuid", l3, "name", "whole", "networkCidr", "192.168.50.0/24");
        assertThat(range.get("gateway").asText()).isEqualTo("192.168.50.1");
        assertThat(range.get("startIp").asText()).isEqualTo("192.168.50.2");
        assertThat(range.get("endIp").asText()).isEqualTo("192.168.50.254");
        assertThat(range.get("netmask").asText()).isEqualTo(MASK24);
        assertThat(range.get("networkCidr").asText()).isEqualTo("192.168.50.0/24");

        long before = rangeCount();
        assertError(admin.call("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "again", "networkCidr", "192.168.50.0/24")),
                400, "SYS.1007", "the range 192.168.50.2-192.168.50.254 overlaps IP range whole (" + range.get("uuid").asText()
                        + ") 192.168.50.2-192.168.50.254");
        assertError(admin.call("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", infra.l3(), "name", "tiny", "networkCidr", "10.9.9.8/31")),
                400, "SYS.1007", "networkCidr 10.9.9.8/31 leaves no room for a gateway and hosts; use /30 or a shorter prefix");
        assertError(admin.call("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "bits", "networkCidr", "10.0.0.5/24")),
                400, "SYS.1007", "parameter networkCidr: '10.0.0.5/24' is not an IPv4 CIDR such as 192.168.0.0/24 (network address, no host bits)");
        assertThat(rangeCount()).isEqualTo(before);

        JsonNode slash30 = infra.create("AddIpRangeByNetworkCidr", "l3NetworkUuid", infra.l3(), "name", "p2p", "networkCidr", "10.9.9.8/30");
        assertThat(slash30.get("startIp").asText()).isEqualTo("10.9.9.10");
        assertThat(slash30.get("endIp").asText()).isEqualTo("10.9.9.10");
        assertThat(slash30.get("gateway").asText()).isEqualTo("10.9.9.9");
    }

    @Test
    void nestedFieldsReachZoneL2AndRanges() {
        String zone = infra.zone();
        String l2 = infra.l2(zone);
        String l3 = infra.l3(l2);
        String other = infra.l3(l2);
        // the prefix is built once: replacing ".10" in the address also hit third octets 10 and 100-109
        String prefix = "172.30." + (Math.abs(l3.hashCode()) % 250);
        String start = prefix + ".10";
        addRange(l3, "nested", start, prefix + ".20", MASK24, prefix + ".1");
        String zoneName = infra.query("QueryZone", cond("uuid", "=", zone)).get(0).get("name").asText();
        String l2Name = infra.query("QueryL2Network", cond("uuid", "=", l2)).get(0).get("name").asText();
        String l3Name = l3(l3).get("name").asText();

        assertThat(infra.query("QueryL3Network", cond("ipRanges.startIp", "=", start), cond("zoneUuid", "=", zone)))
                .extracting(n -> n.get("uuid").asText()).containsExactly(l3);
        assertThat(infra.query("QueryL3Network", cond("zone.name", "=", zoneName))).extracting(n -> n.get("uuid").asText())
                .containsExactlyInAnyOrder(l3, other);
        assertThat(infra.query("QueryL3Network", cond("l2Network.name", "=", l2Name), cond("ipRanges.startIp", "=", "192.0.2.77")))
                .isEmpty();
        assertThat(infra.query("QueryL3Network", cond("l2Network.name", "=", l2Name))).hasSize(2);
        assertThat(infra.query("QueryL3Network", cond("l2Network.zone.name", "=", zoneName))).hasSize(2);
        assertThat(infra.query("QueryIpRange", cond("l3Network.name", "=", l3Name))).extracting(n -> n.get("name").asText())
                .containsExactly("nested");
        ApiReply rest = admin.get("/v1/l3-networks/ip-ranges?q=l3NetworkUuid=" + l3);
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.inventories()).extracting(n -> n.get("startIp").asText()).containsExactly(start);
        ApiReply restL3 = admin.get("/v1/l3-networks?q=ipRanges.startIp=" + start + "&q=zone.name=" + zoneName);
        assertThat(restL3.inventories()).extracting(n -> n.get("uuid").asText()).containsExactly(l3);
    }

    // ---------------------------------------------------------------- deleting

    @Test
    void aRangeWithAddressesInUseIsNotDeleted() {
        String l3 = infra.l3();
        JsonNode range = addRange(l3, "busy", "10.2.0.10", "10.2.0.20", MASK24, "10.2.0.1");
        String uuid = range.get("uuid").asText();
        AllocatedIp a = allocator().allocate(l3, "10.2.0.12", "VmNic");
        AllocatedIp b = allocator().allocate(l3, "10.2.0.11", "Vip");
        assertError(admin.call("DeleteIpRange", Map.of("uuid", uuid)), 409, "SYS.1008",
                "cannot delete IP range busy (" + uuid + "): 2 of its addresses are in use: 10.2.0.11 (Vip), 10.2.0.12 (VmNic); release them first");
        assertThat(infra.count("QueryIpRange", cond("uuid", "=", uuid))).isEqualTo(1);
        allocator().release(a.uuid());
        allocator().release(b.uuid());
        admin.ok("CreateUserTag", Map.of("resourceType", "IpRangeVO", "resourceUuid", uuid, "tag", "pool::a"));
        admin.ok("DeleteIpRange", Map.of("uuid", uuid));
        assertThat(infra.count("QueryIpRange", cond("uuid", "=", uuid))).isZero();
        assertThat(infra.count("QueryUserTag", cond("resourceUuid", "=", uuid))).isZero();
        assertError(admin.call("DeleteIpRange", Map.of("uuid", uuid)), 404, "SYS.1003", "no IpRangeVO with uuid " + uuid);
    }

    @Test
    void anL3WithAddressesInUseIsNotDeletedAndOtherwiseTakesItsRangesAndDnsAlong() {
        String l3 = infra.l3();
        JsonNode range = addRange(l3, "r", "10.3.0.10", "10.3.0.20", MASK24, "10.3.0.1");
        admin.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", "8.8.4.4"));
        AllocatedIp vip = allocator().allocate(l3, "10.3.0.15", "Vip");
        assertError(admin.call("DeleteL3Network", Map.of("uuid", l3)), 409, "SYS.1008",
                "cannot delete L3 network " + l3 + ": it still has 1 address(es) in use: 10.3.0.15 (Vip); delete or detach them first");
        assertThat(infra.count("QueryL3Network", cond("uuid", "=", l3))).isEqualTo(1);

        allocator().release(vip.uuid());
        String rangeUuid = range.get("uuid").asText();
        admin.ok("CreateUserTag", Map.of("resourceType", "IpRangeVO", "resourceUuid", rangeUuid, "tag", "pool::b"));
        admin.ok("CreateUserTag", Map.of("resourceType", "L3NetworkVO", "resourceUuid", l3, "tag", "tier::web"));
        admin.ok("DeleteL3Network", Map.of("uuid", l3));
        assertThat(infra.count("QueryL3Network", cond("uuid", "=", l3))).isZero();
        assertThat(infra.count("QueryIpRange", cond("uuid", "=", rangeUuid))).isZero();
        assertThat(infra.count("QueryUserTag", cond("resourceUuid", "in", l3 + "," + rangeUuid))).isZero();
        assertThat(node.node().l3Networks().dnsOf(l3)).isEmpty();
        assertThat(node.node().l3Networks().find(l3)).isEmpty();
    }

    @Test
    void anL3WithVmNicsIsNotDeleted() {
        String zone = infra.zone();
        String l3 = infra.l3(infra.l2(zone));
        String vm = Infra.insertVm(node.node().database().dsl(), "nic-vm", zone, null, null, l3);
        assertError(admin.call("DeleteL3Network", Map.of("uuid", l3)), 409, "SYS.1008",
                "cannot delete L3 network " + l3 + ": it still has 1 VM(s) with nics on it: nic-vm (" + vm
                        + "); delete or detach them first");
        Infra.deleteVm(node.node().database().dsl(), vm);
        admin.ok("DeleteL3Network", Map.of("uuid", l3));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentOverlappingRangesLetExactlyOneIn() throws Exception {
        String l3 = infra.l3();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApiReply>> replies = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String start = "10.6.0." + (10 + i);
                replies.add(pool.submit(() -> {
                    go.await();
                    return tryRange(l3, start, "10.6.0.100", MASK24, "10.6.0.1");
                }));
            }
            go.countDown();
            int ok = 0;
            for (Future<ApiReply> f : replies) {
                ApiReply r = f.get();
                if (r.ok()) {
                    ok++;
                } else {
                    assertThat(r.errorCode()).isEqualTo("SYS.1007");
                    assertThat(r.errorDetails()).contains("-10.6.0.100 overlaps IP range bad (");
                }
            }
            assertThat(ok).isEqualTo(1);
            assertThat(node.node().ipRanges().rangesOf(l3)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- GetFreeIp

    @Test
    void getFreeIpSkipsUsedAddressesAndHonoursStartLimitAndRange() {
        String l3 = infra.l3();
        JsonNode r1 = addRange(l3, "low", "10.4.0.2", "10.4.0.20", MASK24, "10.4.0.1");
        JsonNode r2 = addRange(l3, "high", "10.4.0.100", "10.4.0.101", MASK24, "10.4.0.1");
        allocator().allocate(l3, "10.4.0.2", "VmNic");
        allocator().allocate(l3, "10.4.0.4", "VmNic");

        JsonNode three = admin.ok("GetFreeIp", Map.of("l3NetworkUuid", l3, "limit", 3)).get("inventories");
        assertThat(three).extracting(n -> n.get("ip").asText()).containsExactly("10.4.0.3", "10.4.0.5", "10.4.0.6");
        assertThat(three.get(0).get("ipRangeUuid").asText()).isEqualTo(r1.get("uuid").asText());
        assertThat(three.get(0).get("netmask").asText()).isEqualTo(MASK24);
        assertThat(three.get(0).get("gateway").asText()).isEqualTo("10.4.0.1");

        JsonNode fromStart = admin.ok("GetFreeIp", Map.of("l3NetworkUuid", l3, "start", "10.4.0.19", "limit", 3)).get("inventories");
        assertThat(fromStart).extracting(n -> n.get("ip").asText()).containsExactly("10.4.0.19", "10.4.0.20", "10.4.0.100");
        JsonNode onlyHigh = admin.ok("GetFreeIp", Map.of("l3NetworkUuid", l3, "ipRangeUuid", r2.get("uuid").asText())).get("inventories");
        assertThat(onlyHigh).extracting(n -> n.get("ip").asText()).containsExactly("10.4.0.100", "10.4.0.101");
        JsonNode all = admin.ok("GetFreeIp", Map.of("l3NetworkUuid", l3)).get("inventories");
        assertThat(all).hasSize(19 - 2 + 2);

        String otherRange = addRange(infra.l3(), "other", "10.4.0.2", "10.4.0.20", MASK24, "10.4.0.1").get("uuid").asText();
        assertError(admin.call("GetFreeIp", Map.of("l3NetworkUuid", l3, "ipRangeUuid", otherRange)), 400, "SYS.1007",
                "IP range " + otherRange + " is not a range of L3 network " + l3);
        assertError(admin.call("GetFreeIp", Map.of("l3NetworkUuid", MISSING)), 404, "SYS.1003", "no L3NetworkVO with uuid " + MISSING);
        assertError(admin.call("GetFreeIp", Map.of("l3NetworkUuid", l3, "limit", 0)), 400, "SYS.1007",
                "parameter limit: 0 is out of range 1..65536");
        assertThat(admin.ok("GetFreeIp", Map.of("l3NetworkUuid", infra.l3())).get("inventories")).isEmpty();
    }

    @Test
    void getFreeIpWalksPastManyUsedAddresses() {
        String l3 = infra.l3();
        infra.create("AddIpRangeByNetworkCidr", "l3NetworkUuid", l3, "name", "big", "networkCidr", "10.16.0.0/16");
        IpAllocator allocator = allocator();
        // 10.16.0.2 .. 10.16.5.5 taken except 10.16.4.0 (more than one page of used addresses)
        List<String> holes = new ArrayList<>();
        for (long v = 2; v <= 5 * 256 + 5; v++) {
            String ip = "10.16." + (v / 256) + "." + (v % 256);
            if (ip.equals("10.16.4.0")) {
                holes.add(ip);
                continue;
            }
            allocator.allocate(l3, ip, "VmNic");
        }
        JsonNode free = admin.ok("GetFreeIp", Map.of("l3NetworkUuid", l3, "limit", 3)).get("inventories");
        assertThat(free).extracting(n -> n.get("ip").asText()).containsExactly("10.16.4.0", "10.16.5.6", "10.16.5.7");
        assertThat(admin.ok("GetFreeIp", Map.of("l3NetworkUuid", l3, "limit", 65536)).get("inventories"))
                .hasSize(65536 - 3 - (5 * 256 + 4 - holes.size()));
    }

    @Test
    void everythingSurvivesARestart() {
        String l3 = infra.l3();
        addRange(l3, "kept", "10.5.0.10", "10.5.0.20", MASK24, "10.5.0.1");
        for (String dns : List.of("10.5.0.53", "8.8.8.8", "1.0.0.1")) {
            admin.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", dns));
        }
        admin.ok("UpdateL3Network", Map.of("uuid", l3, "dnsDomain", "kept.example"));
        node.restart();
        admin = node.admin();
        infra = new Infra(admin);
        JsonNode found = l3(l3);
        assertThat(found.get("dns")).extracting(JsonNode::asText).containsExactly("10.5.0.53", "8.8.8.8", "1.0.0.1");
        assertThat(found.get("dnsDomain").asText()).isEqualTo("kept.example");
        assertThat(found.get("ipRanges")).extracting(n -> n.get("name").asText()).containsExactly("kept");
    }
}
