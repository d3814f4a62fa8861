package io.vrouter.server.zstack;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed chapter walked by a ZStack user's tool: login, zone, cluster, host, three L2/L3 with ranges and DNS,
 * a global config, backup storage, images, network services, the seed's CreateVirtualRouterOffering, a VM that
 * brings the router up, QueryVirtualRouterVm by nic MAC, ReconnectVirtualRouter, system tags, VIP, EIP and port
 * forwarding, the query operators, logout. Every value is given as zstack-cli gives it: as text.
 */
final class SeedWalk {
    private final ZStackClient zs;
    private final int octet;

    SeedWalk(ZStackClient zs, int octet) {
        this.zs = zs;
        this.octet = octet;
    }

    private static Map<String, Object> p(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private JsonNode inv(String api, Object... kv) {
        JsonNode reply = zs.call(api, p(kv));
        assertThat(reply.path("success").asBoolean(true)).isTrue();
        return reply.get("inventory");
    }

    private String l3(String zone, String cluster, String name, String nic, String net, boolean system) {
        String l2 = inv("CreateL2NoVlanNetwork", "zoneUuid", zone, "name", name + "-l2", "physicalInterface", nic).get("uuid").asText();
        zs.call("AttachL2NetworkToCluster", p("l2NetworkUuid", l2, "clusterUuid", cluster));
        JsonNode l3 = inv("CreateL3Network", "l2NetworkUuid", l2, "name", name, "system", String.valueOf(system));
        assertThat(l3.get("system").asBoolean()).isEqualTo(system);
        JsonNode range = inv("AddIpRange", "l3NetworkUuid", l3.get("uuid").asText(), "name", name + "-range",
                "startIp", net + ".10", "endIp", net + ".200", "netmask", "255.255.255.0", "gateway", net + ".1");
        assertThat(range.get("startIp").asText()).isEqualTo(net + ".10");
        assertThat(range.get("gateway").asText()).isEqualTo(net + ".1");
        return l3.get("uuid").asText();
    }

    /** Walks the chapter; returns what later checks need. */
    void run(String typedPassword) {
        zs.logIn("admin", typedPassword);
        assertThat(zs.session()).matches("[0-9a-f]{32}");

        JsonNode zone = inv("CreateZone", "name", "zs-zone-" + octet, "description", "walked by a ZStack client");
        assertThat(zone.get("name").asText()).isEqualTo("zs-zone-" + octet);
        assertThat(zone.get("state").asText()).isEqualTo("Enabled");
        String zoneUuid = zone.get("uuid").asText();
        String cluster = inv("CreateCluster", "zoneUuid", zoneUuid, "name", "c1", "hypervisorType", "Simulator").get("uuid").asText();
        JsonNode host = inv("AddSimulatorHost", "clusterUuid", cluster, "name", "h1", "managementIp", "10.254." + octet + ".1",
                "cpuCapacity", "64", "memoryCapacity", String.valueOf(256L << 30));
        assertThat(host.get("managementIp").asText()).isEqualTo("10.254." + octet + ".1");

        String mgmt = l3(zoneUuid, cluster, "mgmt-" + octet, "eth0", "172." + octet + ".1", true);
        String pub = l3(zoneUuid, cluster, "public-" + octet, "eth1", "172." + octet + ".2", false);
        String guest = l3(zoneUuid, cluster, "guest-" + octet, "eth2", "10." + octet + ".0", false);
        for (String dns : List.of("8.8.8.8", "1.1.1.1")) {
            zs.call("AddDnsToL3Network", p("l3NetworkUuid", guest, "dns", dns));
        }
        JsonNode guestL3 = zs.query("QueryL3Network", List.of("uuid=" + guest), Map.of()).get("inventories").get(0);
        assertThat(guestL3.get("dns").toString()).isEqualTo("[\"8.8.8.8\",\"1.1.1.1\"]");
        assertThat(guestL3.get("ipRanges").get(0).get("endIp").asText()).isEqualTo("10." + octet + ".0.200");

        JsonNode config = inv("UpdateGlobalConfig", "category", "identity", "name", "session.timeout", "value", "7200");
        assertThat(config.get("value").asText()).isEqualTo("7200");

        JsonNode bs = inv("AddSimulatorBackupStorage", "name", "bs-" + octet, "url", "/simulator/bs",
                "totalCapacity", String.valueOf(1L << 40), "availableCapacity", String.valueOf(1L << 39));
        assertThat(bs.get("type").asText()).isEqualTo("SimulatorBackupStorage");
        assertThat(bs.get("availableCapacity").asLong()).isEqualTo(1L << 39);
        String bsUuid = bs.get("uuid").asText();
        JsonNode attached = inv("AttachBackupStorageToZone", "backupStorageUuid", bsUuid, "zoneUuid", zoneUuid);
        assertThat(attached.get("attachedZoneUuids").toString()).contains(zoneUuid);

        JsonNode vrImage = inv("AddImage", "name", "vr-" + octet, "url", "http://images.invalid/vr.qcow2", "format", "qcow2",
                "mediaType", "RootVolumeTemplate", "system", "true", "backupStorageUuids", List.of(bsUuid));
        assertThat(vrImage.get("status").asText()).isEqualTo("Ready");
        assertThat(vrImage.get("backupStorageRefs").get(0).get("backupStorageUuid").asText()).isEqualTo(bsUuid);
        String userImage = inv("AddImage", "name", "ttylinux-" + octet, "url", "http://images.invalid/tty.qcow2",
                "format", "qcow2", "mediaType", "RootVolumeTemplate", "backupStorageUuids", List.of(bsUuid)).get("uuid").asText();

        String provider = zs.query("QueryNetworkServiceProvider", List.of("type=VirtualRouter"), Map.of())
                .get("inventories").get(0).get("uuid").asText();
        zs.call("AttachNetworkServiceToL3Network", p("l3NetworkUuid", guest, "networkServices", Map.of(provider, List.of("DHCP", "DNS", "SNAT", "Eip", "PortForwarding"))));

        // ZStack 5.x: no cpuSpeed
        String offering = inv("CreateInstanceOffering", "name", "small-" + octet, "cpuNum", "1", "memorySize", String.valueOf(1L << 30))
                .get("uuid").asText();
        JsonNode vrOffering = inv("CreateVirtualRouterOffering", "name", "vr-" + octet, "cpuNum", "1", "cpuSpeed", "1000",
                "memorySize", String.valueOf(1L << 30), "zoneUuid", zoneUuid, "managementNetworkUuid", mgmt,
                "publicNetworkUuid", pub, "imageUuid", vrImage.get("uuid").asText(), "isDefault", "true");
        assertThat(vrOffering.get("isDefault").asBoolean()).isTrue();
        assertThat(vrOffering.get("managementNetworkUuid").asText()).isEqualTo(mgmt);

        JsonNode vm = inv("CreateVmInstance", "name", "vm-" + octet, "instanceOfferingUuid", offering, "imageUuid", userImage,
                "l3NetworkUuids", List.of(guest));
        assertThat(vm.get("state").asText()).isEqualTo("Running");
        String vmNic = vm.get("vmNics").get(0).get("uuid").asText();

        JsonNode routers = zs.query("QueryVirtualRouterVm", List.of("vmNics.l3NetworkUuid=" + guest), Map.of()).get("inventories");
        assertThat(routers).hasSize(1);
        JsonNode router = routers.get(0);
        String routerUuid = router.get("uuid").asText();
        String mac = router.get("vmNics").get(0).get("mac").asText();
        JsonNode byMac = zs.query("QueryVirtualRouterVm", List.of("vmNics.mac=" + mac), Map.of()).get("inventories");
        assertThat(byMac).hasSize(1);
        assertThat(byMac.get(0).get("uuid").asText()).isEqualTo(routerUuid);
        JsonNode reconnected = inv("ReconnectVirtualRouter", "vmInstanceUuid", routerUuid);
        assertThat(reconnected.get("status").asText()).isEqualTo("Connected");

        JsonNode tag = inv("CreateSystemTag", "resourceType", "VmInstanceVO", "resourceUuid", routerUuid,
                "tag", "commandsParallelismDegree::2");
        assertThat(tag.get("tag").asText()).isEqualTo("commandsParallelismDegree::2");
        assertThat(tag.get("resourceUuid").asText()).isEqualTo(routerUuid);
        assertThat(zs.query("QuerySystemTag", List.of("resourceUuid=" + routerUuid, "tag~=commandsParallelismDegree"), Map.of())
                .get("inventories")).hasSize(1);

        String vip = inv("CreateVip", "name", "vip-eip-" + octet, "l3NetworkUuid", pub).get("uuid").asText();
        JsonNode eip = inv("CreateEip", "name", "eip-" + octet, "vipUuid", vip, "vmNicUuid", vmNic);
        assertThat(eip.get("vmNicUuid").asText()).isEqualTo(vmNic);
        String pfVip = inv("CreateVip", "name", "vip-pf-" + octet, "l3NetworkUuid", pub).get("uuid").asText();
        JsonNode rule = inv("CreatePortForwardingRule", "name", "pf-" + octet, "vipUuid", pfVip, "vipPortStart", "2222",
                "protocolType", "TCP");
        assertThat(rule.get("privatePortStart").asInt()).isEqualTo(2222);
        JsonNode attachedRule = inv("AttachPortForwardingRule", "ruleUuid", rule.get("uuid").asText(), "vmNicUuid", vmNic);
        assertThat(attachedRule.get("vmNicUuid").asText()).isEqualTo(vmNic);

        // the query operators, count, page, sort, fields
        assertThat(zs.query("QueryL3Network", List.of("name?=mgmt-" + octet + ",public-" + octet), Map.of()).get("inventories")).hasSize(2);
        assertThat(zs.query("QueryL3Network", List.of("zoneUuid=" + zoneUuid, "name!?=mgmt-" + octet), Map.of()).get("inventories")).hasSize(2);
        assertThat(zs.query("QueryL3Network", List.of("zoneUuid=" + zoneUuid, "name~=guest"), Map.of()).get("inventories")).hasSize(1);
        assertThat(zs.query("QueryL3Network", List.of("zoneUuid=" + zoneUuid, "name!~=guest"), Map.of()).get("inventories")).hasSize(2);
        assertThat(zs.query("QueryL3Network", List.of("zoneUuid=" + zoneUuid, "name!=guest-" + octet), Map.of()).get("inventories")).hasSize(2);
        assertThat(zs.query("QueryVmInstance", List.of("uuid=" + vm.get("uuid").asText(), "hostUuid!=null"), Map.of()).get("inventories")).hasSize(1);
        assertThat(zs.query("QueryVmInstance", List.of("uuid=" + vm.get("uuid").asText(), "hostUuid=null"), Map.of()).get("inventories")).isEmpty();
        assertThat(zs.query("QueryIpRange", List.of("l3Network.zoneUuid=" + zoneUuid), Map.of("count", "true")).get("total").asLong()).isEqualTo(3);
        JsonNode page = zs.query("QueryL3Network", List.of("zoneUuid=" + zoneUuid),
                Map.of("replyWithCount", "true", "limit", "1", "start", "1", "sortBy", "name", "sortDirection", "asc"));
        assertThat(page.get("total").asLong()).isEqualTo(3);
        assertThat(page.get("inventories")).hasSize(1);
        assertThat(page.get("inventories").get(0).get("name").asText()).isEqualTo("mgmt-" + octet);
        JsonNode fields = zs.query("QueryZone", List.of("uuid=" + zoneUuid), Map.of("fields", "uuid,name")).get("inventories").get(0);
        assertThat(fields.size()).isEqualTo(2);

        zs.logOut();
    }
}
