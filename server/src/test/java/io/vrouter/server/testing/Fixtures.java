package io.vrouter.server.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the infrastructure a test needs through the API, as a user would: a zone with a Simulator cluster and
 * host, and L3 networks on attached L2s. Names carry a unique suffix so tests sharing a node never collide.
 */
public final class Fixtures {
    private final ApiClient api;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    /** One no-VLAN L2 per physical interface per cluster, as on a real host. */
    private int interfaces;

    public Fixtures(ApiClient api) {
        this.api = api;
    }

    /** A zone, a Simulator cluster and one host. */
    public record Zone(String zoneUuid, String clusterUuid, String hostUuid) {
    }

    public Zone zone() {
        String zone = uuid(api.ok("CreateZone", Map.of("name", "zone-" + suffix)));
        String cluster = uuid(api.ok("CreateCluster", Map.of("zoneUuid", zone, "name", "cluster-" + suffix, "hypervisorType", "Simulator")));
        String host = uuid(api.ok("AddSimulatorHost", Map.of("clusterUuid", cluster, "name", "host-" + suffix,
                "managementIp", "127.1." + (Math.abs(suffix.hashCode()) % 250) + "." + (1 + (int) (Math.random() * 250)))));
        return new Zone(zone, cluster, host);
    }

    /** An L3 on a new no-VLAN L2 attached to the zone's cluster, with one range of {@code cidr} (gateway .1). */
    public String l3(Zone zone, String name, String cidr, boolean system) {
        String l2 = uuid(api.ok("CreateL2NoVlanNetwork", Map.of("zoneUuid", zone.zoneUuid(), "name", "l2-" + name + "-" + suffix,
                "physicalInterface", "eth" + interfaces++)));
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", zone.clusterUuid()));
        String l3 = uuid(api.ok("CreateL3Network", Map.of("l2NetworkUuid", l2, "name", name + "-" + suffix, "system", system)));
        api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "range-" + name, "networkCidr", cidr));
        return l3;
    }

    public String image(boolean system) {
        return uuid(api.ok("AddImage", Map.of("name", "image-" + suffix, "url", "http://images.invalid/vm.qcow2",
                "format", "qcow2", "mediaType", "RootVolumeTemplate", "system", system)));
    }

    public String offering() {
        return uuid(api.ok("CreateInstanceOffering", Map.of("name", "small-" + suffix, "cpuNum", 1, "cpuSpeed", 1000,
                "memorySize", 1L << 30)));
    }

    public JsonNode vm(String name, String offering, String image, List<String> l3s) {
        return api.ok("CreateVmInstance", Map.of("name", name, "instanceOfferingUuid", offering, "imageUuid", image,
                "l3NetworkUuids", l3s)).get("inventory");
    }

    public static String uuid(JsonNode reply) {
        return reply.get("inventory").get("uuid").asText();
    }
}
