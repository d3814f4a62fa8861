package io.vrouter.server.vip;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.client.ApiClient;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.TestNode;
import io.vrouter.server.vm.VmCreation;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.vrouter.server.testing.Infra.params;
import static io.vrouter.server.testing.Infra.unique;

/**
 * What the VIP/EIP/port forwarding tests stand on, built on {@link Infra}: one zone with a Simulator cluster, a host and
 * an L2 attached to the cluster, created once; L3s with one IP range each in their own /24; images, offerings, VMs
 * and VIPs through the APIs, and appliance VMs through the VM service.
 */
public final class NetworkFixture {
    private final TestNode node;
    private ApiClient admin;
    private Infra infra;
    private String zoneUuid;
    private String l2Uuid;
    private String imageUuid;
    private String offeringUuid;

    public NetworkFixture(TestNode node, ApiClient admin) {
        this.node = node;
        useAdmin(admin);
    }

    /** After a restart (new port, new session). */
    public void useAdmin(ApiClient client) {
        this.admin = client;
        this.infra = new Infra(client);
    }

    private DSLContext dsl() {
        return node.node().database().dsl();
    }

    private final AtomicInteger prefixes = new AtomicInteger();

    /** A fresh /24 prefix of three octets, e.g. {@code 10.7.0}: each test's networks stay apart. */
    public String nextPrefix() {
        int n = prefixes.incrementAndGet();
        return "10." + (n / 250) + "." + (n % 250);
    }

    /**
     * One zone with a cluster, a connected Simulator host (room for many VMs) and an L2 attached to the cluster;
     * created once.
     */
    public synchronized String zone() {
        if (zoneUuid != null) {
            return zoneUuid;
        }
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        infra.host(cluster, 1000, 1L << 45);
        String l2 = infra.l2(zone);
        infra.attach(l2, cluster);
        imageUuid = infra.create("AddImage", "name", unique("image"), "url", "http://images/test.qcow2").get("uuid").asText();
        offeringUuid = infra.offering();
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
        zone();
        String l3 = infra.l3(l2Uuid);
        String gateway = prefix + ".1";
        String range = infra.range(l3, prefix + "." + first, prefix + "." + last, "255.255.255.0", gateway);
        return new L3(l3, range, gateway);
    }

    /**
     * A second range on an existing L3 in another subnet ({@code prefix.0/24}), written as a row: the API keeps all
     * ranges of an L3 in one subnet, and this is how the VIP tests get a range the address cannot come from by chance.
     */
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
        String vm = node.node().vms().create(VmCreation.builder(unique("appliance"), VmSpec.APPLIANCE_VM, zoneUuid)
                .image(imageUuid, "Linux").offering(offeringUuid, 1, 1000, 1L << 30).l3Networks(List.of(l3Uuid)).build());
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
