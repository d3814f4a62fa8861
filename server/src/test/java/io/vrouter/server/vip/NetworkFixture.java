package io.vrouter.server.vip;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.testing.ApiClient;
import io.vrouter.server.testing.TestNode;
import io.vrouter.server.vm.VmCreation;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The zone, cluster, host, L2, L3s and IP ranges the VIP/EIP/port forwarding tests stand on, written as rows
 * (their APIs live on another branch); images, offerings and VMs go through the APIs that exist. Once the
 * infrastructure APIs are merged, {@link #zone} and {@link #l3} can call them instead; nothing else changes.
 */
public final class NetworkFixture {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final TestNode node;
    private ApiClient admin;
    private String zoneUuid;
    private String l2Uuid;
    private String imageUuid;
    private String offeringUuid;

    public NetworkFixture(TestNode node, ApiClient admin) {
        this.node = node;
        this.admin = admin;
    }

    /** After a restart (new port, new session). */
    public void useAdmin(ApiClient client) {
        this.admin = client;
    }

    private DSLContext dsl() {
        return node.node().database().dsl();
    }

    /** Builds a parameter map in order; values may be null (left out). */
    public static Map<String, Object> params(Object... keyValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                out.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return out;
    }

    private final AtomicInteger prefixes = new AtomicInteger();

    /** A fresh /24 prefix of three octets, e.g. {@code 10.7.0}: each test's networks stay apart. */
    public String nextPrefix() {
        int n = prefixes.incrementAndGet();
        return "10." + (n / 250) + "." + (n % 250);
    }

    public static String unique(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet();
    }

    /** One zone with a cluster, a connected Simulator host and an L2 attached to the cluster; created once. */
    public synchronized String zone() {
        if (zoneUuid != null) {
            return zoneUuid;
        }
        LocalDateTime now = LocalDateTime.now();
        String zone = Uuid.random();
        String cluster = Uuid.random();
        String host = Uuid.random();
        String l2 = Uuid.random();
        dsl().execute("insert into zone (uuid, name, state, zone_type, create_date, last_op_date) values (?, ?, 'Enabled', 'zstack', ?, ?)",
                zone, unique("zone"), now, now);
        dsl().execute("insert into cluster (uuid, name, zone_uuid, hypervisor_type, state, cluster_type, create_date, last_op_date)"
                + " values (?, ?, ?, 'Simulator', 'Enabled', 'zstack', ?, ?)", cluster, unique("cluster"), zone, now, now);
        dsl().execute("insert into host (uuid, name, zone_uuid, cluster_uuid, management_ip, hypervisor_type, state, status,"
                        + " total_cpu_capacity, available_cpu_capacity, total_memory_capacity, available_memory_capacity, create_date, last_op_date)"
                        + " values (?, ?, ?, ?, ?, 'Simulator', 'Enabled', 'Connected', 1000, 1000, ?, ?, ?, ?)",
                host, unique("host"), zone, cluster, "10.255.0.1",
                1L << 45, 1L << 45, now, now);
        dsl().execute("insert into l2_network (uuid, name, zone_uuid, physical_interface, l2_type, create_date, last_op_date)"
                + " values (?, ?, ?, 'eth0', 'L2NoVlanNetwork', ?, ?)", l2, unique("l2"), zone, now, now);
        dsl().execute("insert into l2_network_cluster_ref (l2_network_uuid, cluster_uuid, create_date) values (?, ?, ?)", l2, cluster, now);
        imageUuid = admin.ok("AddImage", params("name", unique("image"), "url", "http://images/test.qcow2")).get("inventory").get("uuid").asText();
        offeringUuid = admin.ok("CreateInstanceOffering", params("name", unique("offering"), "cpuNum", 1, "cpuSpeed", 1000,
                "memorySize", 1L << 30)).get("inventory").get("uuid").asText();
        zoneUuid = zone;
        l2Uuid = l2;
        return zone;
    }

    /** An L3 and its range. */
    public record L3(String uuid, String rangeUuid, String gateway) {
    }

    /**
     * An L3 network with one IP range {@code prefix.first - prefix.last} in {@code prefix.0/24}, gateway
     * {@code prefix.1}; e.g. {@code l3("10.20.0", 10, 20)}.
     */
    public L3 l3(String prefix, int first, int last) {
        return l3(prefix, first, last, "255.255.255.0", prefix + ".0/24");
    }

    public L3 l3(String prefix, int first, int last, String netmask, String cidr) {
        zone();
        LocalDateTime now = LocalDateTime.now();
        String l3 = Uuid.random();
        String range = Uuid.random();
        dsl().execute("insert into l3_network (uuid, name, l3_type, zone_uuid, l2_network_uuid, state, system_network, create_date, last_op_date)"
                + " values (?, ?, 'L3BasicNetwork', ?, ?, 'Enabled', false, ?, ?)", l3, unique("l3"), zoneUuid, l2Uuid, now, now);
        long base = ipValue(prefix + ".0");
        dsl().execute("insert into ip_range (uuid, l3_network_uuid, name, start_ip, end_ip, netmask, gateway, network_cidr,"
                        + " start_value, end_value, create_date, last_op_date) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                range, l3, unique("range"), prefix + "." + first, prefix + "." + last, netmask, prefix + ".1", cidr,
                base + first, base + last, now, now);
        return new L3(l3, range, prefix + ".1");
    }

    /** A second range on an existing L3. */
    public String addRange(L3 l3, String prefix, int first, int last) {
        LocalDateTime now = LocalDateTime.now();
        String range = Uuid.random();
        long base = ipValue(prefix + ".0");
        dsl().execute("insert into ip_range (uuid, l3_network_uuid, name, start_ip, end_ip, netmask, gateway, network_cidr,"
                        + " start_value, end_value, create_date, last_op_date) values (?, ?, ?, ?, ?, '255.255.255.0', ?, ?, ?, ?, ?, ?)",
                range, l3.uuid(), unique("range"), prefix + "." + first, prefix + "." + last, prefix + ".1", prefix + ".0/24",
                base + first, base + last, now, now);
        return range;
    }

    static long ipValue(String ip) {
        long v = 0;
        for (String part : ip.split("\\.")) {
            v = (v << 8) | Long.parseLong(part);
        }
        return v;
    }

    /** A running user VM with one nic per L3, through CreateVmInstance; returns the VM inventory. */
    public JsonNode userVm(String... l3Uuids) {
        zone();
        return admin.ok("CreateVmInstance", params("name", unique("vm"), "instanceOfferingUuid", offeringUuid,
                "imageUuid", imageUuid, "l3NetworkUuids", List.of(l3Uuids))).get("inventory");
    }

    /** The nic of a VM (inventory) on an L3. */
    public static String nicOn(JsonNode vm, String l3Uuid) {
        for (JsonNode nic : vm.get("vmNics")) {
            if (nic.get("l3NetworkUuid").asText().equals(l3Uuid)) {
                return nic.get("uuid").asText();
            }
        }
        throw new AssertionError("VM " + vm.get("uuid") + " has no nic on " + l3Uuid);
    }

    public static String ipOn(JsonNode vm, String l3Uuid) {
        for (JsonNode nic : vm.get("vmNics")) {
            if (nic.get("l3NetworkUuid").asText().equals(l3Uuid)) {
                return nic.get("ip").asText();
            }
        }
        throw new AssertionError("VM " + vm.get("uuid") + " has no nic on " + l3Uuid);
    }

    /** A running appliance VM with a nic on the L3; returns its nic uuid. */
    public String applianceNic(String l3Uuid) {
        zone();
        String vm = node.node().vms().create(new VmCreation(null, unique("appliance"), null, VmSpec.APPLIANCE_VM, zoneUuid, null, null,
                imageUuid, offeringUuid, 1, 1000, 1L << 30, "Linux", List.of(l3Uuid), Map.of(), l3Uuid, Map.of(), true));
        return dsl().fetchValue("select uuid from vm_nic where vm_instance_uuid = ?", vm).toString();
    }

    /** A VIP on an L3, through CreateVip; returns its inventory. */
    public JsonNode vip(String l3Uuid) {
        return admin.ok("CreateVip", params("name", unique("vip"), "l3NetworkUuid", l3Uuid)).get("inventory");
    }

    public int count(String table) {
        return dsl().fetchCount(DSL.table(DSL.unquotedName(table)));
    }
}
