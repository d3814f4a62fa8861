package io.vrouter.server.vm;

import io.vrouter.server.db.KeyBatches;
import io.vrouter.server.hypervisor.VmSpec;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SortField;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.vm.VmTables.DEFAULT_L3;
import static io.vrouter.server.vm.VmTables.HYPERVISOR_TYPE;
import static io.vrouter.server.vm.VmTables.L3_NETWORK_UUID;
import static io.vrouter.server.vm.VmTables.NIC;
import static io.vrouter.server.vm.VmTables.STATE;
import static io.vrouter.server.vm.VmTables.VM;
import static io.vrouter.server.vm.VmTables.VM_TYPE;
import static io.vrouter.server.vm.VmTables.ZONE_UUID;

/**
 * The VM package's read API for packages that are built beside {@link VmInstances} rather than on it (the virtual
 * router's repository exists before the VMs' service, which takes the routers' boot parameters) or that read inside
 * a transaction of their own ({@code new VmDirectory(tx)}): VMs and nics as records, read from the VM package's
 * tables only. Reads of many are batched ({@link KeyBatches}), never one query per VM or nic.
 */
public final class VmDirectory {
    /** What other packages know of a VM. */
    public record VmRecord(String uuid, String name, String type, VmState state, String zoneUuid, String hypervisorType,
                           String defaultL3Uuid) {
    }

    /** A VM's nic with its VM's default L3 (whose gateway is the default route). */
    public record VmNicRecord(String uuid, String vmUuid, String l3Uuid, String ip, String mac, String netmask, String gateway,
                              int deviceId, String vmDefaultL3Uuid) {
    }

    /** A nic with what rules on it (EIPs, port forwarding) need of its VM. */
    public record NicWithVm(String uuid, String vmUuid, String vmName, String vmType, VmState vmState, String l3Uuid,
                            String ip, String netmask, String mac) {
    }

    // nic and VM both have a uuid: the join names its columns by alias
    private static final Field<String> N_UUID = field("n", "uuid", String.class);
    private static final Field<String> N_VM = field("n", "vm_instance_uuid", String.class);
    private static final Field<String> N_L3 = field("n", "l3_network_uuid", String.class);
    private static final Field<Integer> N_DEVICE = field("n", "device_id", Integer.class);
    private static final Field<String> V_UUID = field("v", "uuid", String.class);
    private static final Field<String> V_TYPE = field("v", "vm_type", String.class);
    private static final Field<String> V_STATE = field("v", "state", String.class);
    private static final Field<String> V_NAME = field("v", "name", String.class);
    private static final Field<String> N_IP = field("n", "ip", String.class);
    private static final Field<String> N_NETMASK = field("n", "netmask", String.class);
    private static final Field<String> N_MAC = field("n", "mac", String.class);
    private static final List<String> GONE = List.of(VmState.Destroying.name(), VmState.Destroyed.name());

    private final DSLContext dsl;

    public VmDirectory(DSLContext dsl) {
        this.dsl = dsl;
    }

    public Optional<VmRecord> find(String vmUuid) {
        return dsl.select(UUID, NAME, VM_TYPE, STATE, ZONE_UUID, HYPERVISOR_TYPE, DEFAULT_L3).from(VM).where(UUID.eq(vmUuid))
                .fetchOptional(r -> new VmRecord(r.value1(), r.value2(), r.value3(), VmState.valueOf(r.value4()), r.value5(),
                        r.value6(), r.value7()));
    }

    /** The given VMs that exist, in one read (batched past the database's parameter limit). */
    public List<VmRecord> findAll(Collection<String> vmUuids) {
        return KeyBatches.read(vmUuids, batch -> dsl.select(UUID, NAME, VM_TYPE, STATE, ZONE_UUID, HYPERVISOR_TYPE, DEFAULT_L3)
                .from(VM).where(UUID.in(batch)).fetch(r -> new VmRecord(r.value1(), r.value2(), r.value3(),
                        VmState.valueOf(r.value4()), r.value5(), r.value6(), r.value7())));
    }

    /** Which of the given VMs exist. */
    public Set<String> existing(Collection<String> vmUuids) {
        return Set.copyOf(among(vmUuids, null));
    }

    /** Which of the given VMs are in one of the states. */
    public List<String> inState(Collection<String> vmUuids, Set<VmState> states) {
        return among(vmUuids, STATE.in(states.stream().map(Enum::name).toList()));
    }

    private List<String> among(Collection<String> vmUuids, Condition condition) {
        return KeyBatches.read(vmUuids, batch -> dsl.select(UUID).from(VM)
                .where(condition == null ? UUID.in(batch) : UUID.in(batch).and(condition)).fetch(UUID));
    }

    /** The host of each of the given VMs that has one, by VM uuid. */
    public java.util.Map<String, String> hostsOf(Collection<String> vmUuids) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        KeyBatches.read(vmUuids, batch -> dsl.select(UUID, VmTables.HOST_UUID).from(VM).where(UUID.in(batch))
                .and(VmTables.HOST_UUID.isNotNull()).fetch()).forEach(r -> out.put(r.value1(), r.value2()));
        return out;
    }

    /** A VM's nics in device order. */
    public List<VmNicRecord> nicsOf(String vmUuid) {
        return nics(N_VM.eq(vmUuid));
    }

    /** Nics of user VMs on an L3 whose VM is up or coming up (they should have DHCP entries), by VM and device. */
    public List<VmNicRecord> liveUserNicsOn(String l3Uuid) {
        return nics(N_L3.eq(l3Uuid).and(V_TYPE.eq(VmSpec.USER_VM))
                .and(V_STATE.in(VmState.Starting.name(), VmState.Running.name(), VmState.Rebooting.name())));
    }

    /** The L3 of a nic, or empty when there is no such nic. */
    public Optional<String> l3OfNic(String nicUuid) {
        return dsl.select(L3_NETWORK_UUID).from(NIC).where(UUID.eq(nicUuid)).fetchOptional(L3_NETWORK_UUID);
    }

    private List<VmNicRecord> nics(Condition condition) {
        return dsl.select(N_UUID, N_VM, N_L3, N_IP, N_MAC,
                        N_NETMASK, field("n", "gateway", String.class), N_DEVICE,
                        field("v", "default_l3_network_uuid", String.class))
                .from(NIC.as("n")).join(VM.as("v")).on(V_UUID.eq(N_VM))
                .where(condition)
                .orderBy(N_VM, N_DEVICE)
                .fetch(r -> new VmNicRecord(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(), r.value7(),
                        r.value8(), r.value9()));
    }

    // ---------------------------------------------------------------- nics with their VMs, for rules on VIPs

    /** A nic with its VM, or empty when there is no such nic. */
    public Optional<NicWithVm> nicWithVm(String nicUuid) {
        return readNicsWithVm(N_UUID.eq(nicUuid)).stream().findFirst();
    }

    /** The given nics with their VMs (those that exist), in no particular order. */
    public List<NicWithVm> nicsWithVm(Collection<String> nicUuids) {
        return KeyBatches.read(nicUuids, batch -> readNicsWithVm(N_UUID.in(batch)));
    }

    /** A VM's nics with the VM, in device order. */
    public List<NicWithVm> nicsWithVmOf(String vmUuid) {
        return readNicsWithVm(N_VM.eq(vmUuid), N_DEVICE.asc());
    }

    /** The nics on an L3 whose VM is Running, of any type: those a router serves rules to. */
    public List<NicWithVm> nicsOfRunningVmsOn(String l3Uuid) {
        return readNicsWithVm(N_L3.eq(l3Uuid).and(V_STATE.eq(VmState.Running.name())));
    }

    /**
     * Nics of user VMs that are not going away, on any L3 but the given one: the candidates for a rule from a VIP on
     * that L3. Ordered by the VM's creation, then device.
     */
    public List<NicWithVm> userNicsOffL3(String l3Uuid) {
        return readNicsWithVm(V_TYPE.eq(VmSpec.USER_VM).and(V_STATE.notIn(GONE)).and(N_L3.ne(l3Uuid)),
                field("v", CREATE_DATE.getName(), CREATE_DATE.getType()).asc(), V_UUID.asc(), N_DEVICE.asc());
    }

    private List<NicWithVm> readNicsWithVm(Condition condition, SortField<?>... order) {
        return dsl.select(N_UUID, N_VM, V_NAME, V_TYPE, V_STATE, N_L3, N_IP, N_NETMASK, N_MAC)
                .from(NIC.as("n")).join(VM.as("v")).on(V_UUID.eq(N_VM))
                .where(condition)
                .orderBy(order)
                .fetch(r -> new NicWithVm(r.value1(), r.value2(), r.value3(), r.value4(), VmState.valueOf(r.value5()), r.value6(),
                        r.value7(), r.value8(), r.value9()));
    }
}
