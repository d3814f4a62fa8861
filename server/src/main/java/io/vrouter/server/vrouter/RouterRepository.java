package io.vrouter.server.vrouter;

import io.vrouter.server.Clock;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;

/** The virtual router provider's rows: appliance records, which router serves which guest L3, and the reads sync needs. */
final class RouterRepository {
    private static final Table<?> APPLIANCE = DSL.table(DSL.unquotedName("appliance_vm"));
    private static final Table<?> GUEST = DSL.table(DSL.unquotedName("virtual_router_guest_l3"));
    private static final Field<String> STATUS = field("status", String.class);
    private static final Field<String> L3 = field("l3_network_uuid", String.class);
    private static final Field<String> ROUTER = field("virtual_router_uuid", String.class);

    private final DSLContext dsl;
    private final Clock clock;
    /** Told of every status written by {@link #setStatus} (the node's live events); nobody by default. */
    private volatile BiConsumer<String, String> statusListener = (vrUuid, status) -> { };

    RouterRepository(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** A router as the provider sees it. */
    record Router(String uuid, String name, String state, String status, String secret, String managementL3,
                  String publicL3, String offeringUuid, String zoneUuid, String hypervisorType) {
        boolean running() {
            return "Running".equals(state);
        }
    }

    /** A nic of a router or of a user VM, with what sync needs of its L3 and L2. */
    record Nic(String uuid, String vmUuid, String l3Uuid, String ip, String mac, String netmask, String gateway,
               int deviceId, String l2Type, Integer vlan, String vmDefaultL3) {
    }

    void insertAppliance(String vrUuid, String managementL3, String publicL3, String offeringUuid, String secret) {
        dsl.insertInto(APPLIANCE).columns(UUID, field("appliance_vm_type", String.class), field("management_network_uuid", String.class),
                        field("public_network_uuid", String.class), field("default_route_l3_network_uuid", String.class),
                        field("virtual_router_offering_uuid", String.class), STATUS, field("agent_secret", String.class))
                .values(vrUuid, "VirtualRouter", managementL3, publicL3, publicL3, offeringUuid, "Connecting", secret)
                .execute();
    }

    Optional<Router> find(String vrUuid) {
        return dsl.select(field("v", "uuid", String.class), field("v", "name", String.class), field("v", "state", String.class),
                        field("a", "status", String.class), field("a", "agent_secret", String.class),
                        field("a", "management_network_uuid", String.class), field("a", "public_network_uuid", String.class),
                        field("a", "virtual_router_offering_uuid", String.class), field("v", "zone_uuid", String.class),
                        field("v", "hypervisor_type", String.class))
                .from(DSL.table(DSL.unquotedName("vm_instance")).as("v"))
                .join(APPLIANCE.as("a")).on(field("a", "uuid", String.class).eq(field("v", "uuid", String.class)))
                .where(field("v", "uuid", String.class).eq(vrUuid))
                .fetchOptional(r -> new Router(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(),
                        r.value7(), r.value8(), r.value9(), r.value10()));
    }

    boolean isRouter(String vmUuid) {
        return dsl.fetchExists(APPLIANCE, UUID.eq(vmUuid));
    }

    void setStatus(String vrUuid, String status) {
        dsl.update(APPLIANCE).set(STATUS, status).where(UUID.eq(vrUuid)).execute();
        statusListener.accept(vrUuid, status);
    }

    void onStatusChanged(BiConsumer<String, String> listener) {
        this.statusListener = listener;
    }

    String status(String vrUuid) {
        return dsl.select(STATUS).from(APPLIANCE).where(UUID.eq(vrUuid)).fetchOne(STATUS);
    }

    List<String> runningRouters() {
        return dsl.select(field("v", "uuid", String.class)).from(DSL.table(DSL.unquotedName("vm_instance")).as("v"))
                .join(APPLIANCE.as("a")).on(field("a", "uuid", String.class).eq(field("v", "uuid", String.class)))
                .where(field("v", "state", String.class).eq("Running")).fetch(0, String.class);
    }

    // ---------------------------------------------------------------- which router serves a guest L3

    Optional<String> routerOf(String guestL3) {
        return dsl.select(ROUTER).from(GUEST).where(L3.eq(guestL3)).fetchOptional(ROUTER);
    }

    /** Claims a guest L3 for a router about to be created; false when another creator holds it. */
    boolean claim(String guestL3, String vrUuid) {
        try {
            dsl.insertInto(GUEST).columns(L3, ROUTER, field("create_date", java.time.LocalDateTime.class))
                    .values(guestL3, vrUuid, clock.utcNow()).execute();
            return true;
        } catch (DataAccessException e) {
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    void unclaim(String guestL3, String vrUuid) {
        dsl.deleteFrom(GUEST).where(L3.eq(guestL3)).and(ROUTER.eq(vrUuid)).execute();
    }

    boolean claimOlderThan(String guestL3, String vrUuid, java.time.Duration age) {
        return dsl.fetchExists(GUEST, L3.eq(guestL3).and(ROUTER.eq(vrUuid))
                .and(field("create_date", java.time.LocalDateTime.class).lt(clock.utcNow().minus(age))));
    }

    void unclaimAll(String vrUuid) {
        dsl.deleteFrom(GUEST).where(ROUTER.eq(vrUuid)).execute();
    }

    /**
     * Claims whose router VM was never written: the creator died between the claim and the VM. Called at node start;
     * another node's claim is that young only for the milliseconds before it writes the VM, hence the age bound.
     */
    int dropOrphanClaims(java.time.Duration olderThan) {
        return dsl.deleteFrom(GUEST)
                .where(ROUTER.notIn(DSL.select(UUID).from(DSL.table(DSL.unquotedName("vm_instance")))))
                .and(field("create_date", java.time.LocalDateTime.class).lt(clock.utcNow().minus(olderThan)))
                .execute();
    }

    /** At node start no connect is running: a Connecting status is what a dead node left behind. */
    int clearStaleConnecting() {
        return dsl.update(APPLIANCE).set(STATUS, "Disconnected").where(STATUS.eq("Connecting")).execute();
    }

    void markConnecting(List<String> vrUuids) {
        for (int from = 0; from < vrUuids.size(); from += 1000) {
            dsl.update(APPLIANCE).set(STATUS, "Connecting").where(UUID.in(vrUuids.subList(from, Math.min(vrUuids.size(), from + 1000)))).execute();
        }
    }

    List<String> guestL3s(String vrUuid) {
        return dsl.select(L3).from(GUEST).where(ROUTER.eq(vrUuid)).orderBy(L3).fetch(L3);
    }

    // ---------------------------------------------------------------- what sync needs

    List<Nic> nicsOf(String vmUuid) {
        return nics(field("n", "vm_instance_uuid", String.class).eq(vmUuid));
    }

    /** Nics of user VMs on an L3 whose VM is up or coming up: they should have DHCP entries. */
    List<Nic> liveUserNicsOn(String l3Uuid) {
        return nics(field("n", "l3_network_uuid", String.class).eq(l3Uuid)
                .and(field("v", "vm_type", String.class).eq("UserVm"))
                .and(field("v", "state", String.class).in("Starting", "Running", "Rebooting")));
    }

    private List<Nic> nics(Condition condition) {
        return dsl.select(field("n", "uuid", String.class), field("n", "vm_instance_uuid", String.class), field("n", "l3_network_uuid", String.class),
                        field("n", "ip", String.class), field("n", "mac", String.class), field("n", "netmask", String.class),
                        field("n", "gateway", String.class), field("n", "device_id", Integer.class), field("l2", "l2_type", String.class),
                        field("l2", "vlan", Integer.class), field("v", "default_l3_network_uuid", String.class))
                .from(DSL.table(DSL.unquotedName("vm_nic")).as("n"))
                .join(DSL.table(DSL.unquotedName("vm_instance")).as("v")).on(field("v", "uuid", String.class).eq(field("n", "vm_instance_uuid", String.class)))
                .join(DSL.table(DSL.unquotedName("l3_network")).as("l3")).on(field("l3", "uuid", String.class).eq(field("n", "l3_network_uuid", String.class)))
                .join(DSL.table(DSL.unquotedName("l2_network")).as("l2")).on(field("l2", "uuid", String.class).eq(field("l3", "l2_network_uuid", String.class)))
                .where(condition)
                .orderBy(field("n", "vm_instance_uuid", String.class), field("n", "device_id", Integer.class))
                .fetch(r -> new Nic(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(), r.value7(),
                        r.value8(), r.value9(), r.value10(), r.value11()));
    }

    String l3OfNic(String nicUuid) {
        return dsl.select(L3).from(DSL.table(DSL.unquotedName("vm_nic"))).where(UUID.eq(nicUuid)).fetchOne(L3);
    }

    /** An L3's DNS servers in the order the user gave them. */
    List<String> dnsOf(String l3Uuid) {
        return dsl.select(field("dns", String.class)).from(DSL.table(DSL.unquotedName("l3_network_dns")))
                .where(L3.eq(l3Uuid)).orderBy(field("position", Integer.class)).fetch(0, String.class);
    }

    String dnsDomainOf(String l3Uuid) {
        return dsl.select(field("dns_domain", String.class)).from(DSL.table(DSL.unquotedName("l3_network")))
                .where(UUID.eq(l3Uuid)).fetchOne(0, String.class);
    }

    String zoneOf(String l3Uuid) {
        return dsl.select(field("zone_uuid", String.class)).from(DSL.table(DSL.unquotedName("l3_network")))
                .where(UUID.eq(l3Uuid)).fetchOne(0, String.class);
    }

    /** The gateway of an L3's first IP range, or null when it has none. */
    String gatewayOf(String l3Uuid) {
        return dsl.select(field("gateway", String.class)).from(DSL.table(DSL.unquotedName("ip_range")))
                .where(L3.eq(l3Uuid)).orderBy(field("start_value", Long.class)).limit(1).fetchOne(0, String.class);
    }
}
