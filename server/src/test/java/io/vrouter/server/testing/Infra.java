package io.vrouter.server.testing;

import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one fixture for the infrastructure tests stand on, built through the API as a user would: zone, cluster, host,
 * L2, L3 and IP range one at a time, or a whole Simulator zone and L3s on it; images, offerings and VMs. Names are
 * unique within the test JVM so tests sharing one node never collide.
 */
public final class Infra {
    /** A well-formed uuid no resource has. */
    public static final String MISSING = "0123456789abcdef0123456789abcdef";

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final ApiClient api;
    /** One no-VLAN L2 per physical interface per cluster, as on a real host: {@link #l3(Zone, String, String, boolean)}. */
    private int interfaces;

    public Infra(ApiClient api) {
        this.api = api;
    }

    /** Asserts an error reply: HTTP status, error code and the exact details. */
    public static void assertError(ApiReply reply, int status, String code, String details) {
        org.assertj.core.api.Assertions.assertThat(reply.status()).as("status of %s", reply.body()).isEqualTo(status);
        org.assertj.core.api.Assertions.assertThat(reply.errorCode()).isEqualTo(code);
        org.assertj.core.api.Assertions.assertThat(reply.errorDetails()).isEqualTo(details);
    }

    public static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    /** A management IP no other test uses: 10.x.y.z from the counter. */
    public static String uniqueIp() {
        int n = COUNTER.incrementAndGet();
        return "10." + ((n >> 16) & 0xFF) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF);
    }

    public static Map<String, String> cond(String name, String op, String value) {
        return Map.of("name", name, "op", op, "value", value);
    }

    /** Builds a parameter map in order; a null value leaves its key out. */
    public static Map<String, Object> params(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return m;
    }

    /** The uuid of the inventory in an API reply. */
    public static String uuid(JsonNode reply) {
        return reply.get("inventory").get("uuid").asText();
    }

    /**
     * Writes a VM row (and a nic on {@code l3Uuid} when not null) straight into the database, for the delete checks
     * of the infrastructure that must see VMs without going through the VM APIs. Returns the VM's uuid.
     */
    public static String insertVm(org.jooq.DSLContext dsl, String name, String zoneUuid, String clusterUuid, String hostUuid,
                                  String l3Uuid) {
        String vm = io.vrouter.server.db.Uuid.random();
        java.time.LocalDateTime now = java.time.LocalDateTime.now();
        dsl.execute("INSERT INTO vm_instance (uuid, name, zone_uuid, cluster_uuid, host_uuid, vm_type, state, cpu_num, cpu_speed,"
                + " memory_size, create_date, last_op_date) VALUES (?, ?, ?, ?, ?, 'UserVm', 'Running', 1, 1000, 1073741824, ?, ?)",
                vm, name, zoneUuid, clusterUuid, hostUuid, now, now);
        if (l3Uuid != null) {
            int n = COUNTER.incrementAndGet();
            String mac = String.format("fa:16:3e:%02x:%02x:%02x", (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF);
            dsl.execute("INSERT INTO vm_nic (uuid, vm_instance_uuid, l3_network_uuid, mac, device_id, create_date, last_op_date)"
                    + " VALUES (?, ?, ?, ?, 0, ?, ?)", io.vrouter.server.db.Uuid.random(), vm, l3Uuid, mac, now, now);
        }
        return vm;
    }

    public static void deleteVm(org.jooq.DSLContext dsl, String vmUuid) {
        dsl.execute("DELETE FROM vm_instance WHERE uuid = ?", vmUuid);
    }

    public JsonNode query(String api, Map<?, ?>... conditions) {
        return this.api.ok(api, Map.of("conditions", List.of(conditions))).get("inventories");
    }

    public long count(String api, Map<?, ?>... conditions) {
        return this.api.ok(api, Map.of("conditions", List.of(conditions), "count", true)).get("total").asLong();
    }

    public JsonNode create(String api, Object... keysAndValues) {
        return this.api.ok(api, params(keysAndValues)).get("inventory");
    }

    public String zone() {
        return create("CreateZone", "name", unique("zone")).get("uuid").asText();
    }

    public String cluster(String zoneUuid) {
        return cluster(zoneUuid, "Simulator");
    }

    public String cluster(String zoneUuid, String hypervisorType) {
        return create("CreateCluster", "zoneUuid", zoneUuid, "name", unique("cluster"), "hypervisorType", hypervisorType)
                .get("uuid").asText();
    }

    public String host(String clusterUuid) {
        return create("AddSimulatorHost", "clusterUuid", clusterUuid, "name", unique("host"), "managementIp", uniqueIp())
                .get("uuid").asText();
    }

    public String l2(String zoneUuid) {
        return create("CreateL2NoVlanNetwork", "zoneUuid", zoneUuid, "name", unique("l2"), "physicalInterface", "eth0")
                .get("uuid").asText();
    }

    public String vlan(String zoneUuid, int vlan) {
        return create("CreateL2VlanNetwork", "zoneUuid", zoneUuid, "name", unique("vlan"), "physicalInterface", "eth0", "vlan", vlan)
                .get("uuid").asText();
    }

    public void attach(String l2Uuid, String clusterUuid) {
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2Uuid, "clusterUuid", clusterUuid));
    }

    public String l3(String l2Uuid) {
        return create("CreateL3Network", "l2NetworkUuid", l2Uuid, "name", unique("l3")).get("uuid").asText();
    }

    /** A new zone, L2 and L3 in one go; returns the L3's uuid. */
    public String l3() {
        return l3(l2(zone()));
    }

    public String range(String l3Uuid, String startIp, String endIp, String netmask, String gateway) {
        return create("AddIpRange", "l3NetworkUuid", l3Uuid, "name", unique("range"), "startIp", startIp, "endIp", endIp,
                "netmask", netmask, "gateway", gateway).get("uuid").asText();
    }

    public String rangeByCidr(String l3Uuid, String cidr) {
        return create("AddIpRangeByNetworkCidr", "l3NetworkUuid", l3Uuid, "name", unique("range"), "networkCidr", cidr)
                .get("uuid").asText();
    }

    // ---- a whole zone and what VMs need

    /** A zone, a Simulator cluster and one host. */
    public record Zone(String zoneUuid, String clusterUuid, String hostUuid) {
    }

    /** A new zone with a Simulator cluster and one host of the default capacity. */
    public Zone simulatorZone() {
        String zone = zone();
        String cluster = cluster(zone);
        return new Zone(zone, cluster, host(cluster));
    }

    /** A Simulator host with the given capacity (CPUs, bytes of memory). */
    public String host(String clusterUuid, long cpuCapacity, long memoryCapacity) {
        return create("AddSimulatorHost", "clusterUuid", clusterUuid, "name", unique("host"), "managementIp", uniqueIp(),
                "cpuCapacity", cpuCapacity, "memoryCapacity", memoryCapacity).get("uuid").asText();
    }

    /** An L3 on a new no-VLAN L2 attached to the zone's cluster, with one range of {@code cidr} (gateway .1). */
    public String l3(Zone zone, String name, String cidr, boolean system) {
        String l2 = create("CreateL2NoVlanNetwork", "zoneUuid", zone.zoneUuid(), "name", unique("l2-" + name),
                "physicalInterface", "eth" + interfaces++).get("uuid").asText();
        attach(l2, zone.clusterUuid());
        String l3 = create("CreateL3Network", "l2NetworkUuid", l2, "name", unique(name), "system", system).get("uuid").asText();
        create("AddIpRangeByNetworkCidr", "l3NetworkUuid", l3, "name", unique("range-" + name), "networkCidr", cidr);
        return l3;
    }

    public String image(boolean system) {
        return create("AddImage", "name", unique("image"), "url", "http://images.invalid/vm.qcow2", "format", "qcow2",
                "mediaType", "RootVolumeTemplate", "system", system).get("uuid").asText();
    }

    /** An instance offering of one CPU and 1 GiB. */
    public String offering() {
        return create("CreateInstanceOffering", "name", unique("small"), "cpuNum", 1, "cpuSpeed", 1000, "memorySize", 1L << 30)
                .get("uuid").asText();
    }

    /** A VM through CreateVmInstance; returns its inventory. */
    public JsonNode vm(String name, String offering, String image, List<String> l3s) {
        return create("CreateVmInstance", "name", name, "instanceOfferingUuid", offering, "imageUuid", image, "l3NetworkUuids", l3s);
    }
}
