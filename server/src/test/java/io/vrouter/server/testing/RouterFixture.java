package io.vrouter.server.testing;

import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * The seed's setup through the API: a zone, a system management L3 and public L3, a guest L3 with DNS servers
 * and the virtual router's DHCP, DNS and SNAT, a virtual router image and a default offering.
 */
public final class RouterFixture {
    public final ApiClient api;
    public final Infra infra;
    public final Infra.Zone zone;
    public final String managementL3;
    public final String publicL3;
    public final String guestL3;
    public final String vrImage;
    public final String offering;
    public final String userImage;
    public final String userOffering;
    public final String providerUuid;

    /** @param octet a second octet unique per fixture in a node, so subnets never clash */
    public RouterFixture(ApiClient api, int octet) {
        this.api = api;
        this.infra = new Infra(api);
        this.zone = infra.simulatorZone();
        this.managementL3 = infra.l3(zone, "mgmt", "172." + octet + ".1.0/24", true);
        this.publicL3 = infra.l3(zone, "public", "172." + octet + ".2.0/24", true);
        this.providerUuid = api.ok("QueryNetworkServiceProvider", Map.of("conditions",
                List.of(Map.of("name", "type", "op", "=", "value", "VirtualRouter")))).get("inventories").get(0).get("uuid").asText();
        this.guestL3 = guestL3("guest", "10." + octet + ".0.0/24", List.of("DHCP", "DNS", "SNAT"));
        this.vrImage = Infra.uuid(api.ok("AddImage", Map.of("name", "vr-image-" + octet, "url", "http://images.invalid/vr.qcow2",
                "system", true)));
        this.offering = vrOffering("vr-" + octet, true, managementL3, publicL3);
        this.userImage = infra.image(false);
        this.userOffering = infra.offering();
    }

    /** A virtual router offering of one CPU and 1 GiB in the fixture's zone, with its router image. */
    public String vrOffering(String name, boolean isDefault, String managementL3, String publicL3) {
        return Infra.uuid(api.ok("CreateVirtualRouterOffering", Map.of("name", name, "cpuNum", 1, "cpuSpeed", 1000,
                "memorySize", 1L << 30, "isDefault", isDefault, "managementNetworkUuid", managementL3,
                "publicNetworkUuid", publicL3, "zoneUuid", zone.zoneUuid(), "imageUuid", vrImage)));
    }

    /** A virtual router offering on the fixture's management and public L3s. */
    public String vrOffering(String name, boolean isDefault) {
        return vrOffering(name, isDefault, managementL3, publicL3);
    }

    /** A guest L3 with three DNS servers and the given services from the virtual router. */
    public String guestL3(String name, String cidr, List<String> services) {
        String l3 = infra.l3(zone, name, cidr, false);
        for (String dns : List.of("8.8.8.8", "1.1.1.1", "9.9.9.9")) {
            api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", dns));
        }
        if (!services.isEmpty()) {
            api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3, "networkServices", Map.of(providerUuid, services)));
        }
        return l3;
    }

    public JsonNode userVm(String name, String l3) {
        return infra.vm(name, userOffering, userImage, List.of(l3));
    }

    /** Reads routers through any session (a restarted node has a new address). */
    public record Reader(ApiClient api) {
        public JsonNode router(String uuid) {
            return api.ok("QueryVirtualRouterVm", Map.of("conditions", List.of(Map.of("name", "uuid", "op", "=", "value", uuid))))
                    .get("inventories").get(0);
        }

        /** The routers serving an L3 (through their nics on it). */
        public JsonNode routersOn(String l3) {
            return api.ok("QueryVirtualRouterVm", Map.of("conditions",
                    List.of(Map.of("name", "vmNics.l3NetworkUuid", "op", "=", "value", l3)))).get("inventories");
        }
    }

    /** The routers serving an L3 (through their nics on it). */
    public JsonNode routersOn(String l3) {
        return new Reader(api).routersOn(l3);
    }
}
