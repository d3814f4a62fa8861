package io.vrouter.server.vm;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.l2.L2NetworkRecord;
import io.vrouter.server.l3.AllocatedIp;
import io.vrouter.server.l3.IpAllocator;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.vm.VmTables.*;

/** Reads and writes the VM package's rows; every method is one statement or one transaction. */
final class VmRepository {
    private static final int MAC_ATTEMPTS = 8;

    private final DSLContext dsl;
    private final Clock clock;
    /** The L2 network an L3 network stands on (from the L3 and L2 packages). */
    private final Function<String, L2NetworkRecord> l2OfL3;

    VmRepository(DSLContext dsl, Clock clock, Function<String, L2NetworkRecord> l2OfL3) {
        this.dsl = dsl;
        this.clock = clock;
        this.l2OfL3 = l2OfL3;
    }

    /** The VM row as the lifecycle needs it. */
    record VmRow(String uuid, String name, String type, String state, String hostUuid, String hypervisorType,
                 int cpuNum, long memorySize, String defaultL3Uuid, String zoneUuid) {
    }

    Optional<VmRow> find(String uuid) {
        return dsl.select(UUID, NAME, VM_TYPE, STATE, HOST_UUID, HYPERVISOR_TYPE, CPU_NUM, MEMORY_SIZE, DEFAULT_L3, ZONE_UUID)
                .from(VM).where(UUID.eq(uuid))
                .fetchOptional(r -> new VmRow(r.get(UUID), r.get(NAME), r.get(VM_TYPE), r.get(STATE), r.get(HOST_UUID),
                        r.get(HYPERVISOR_TYPE), r.get(CPU_NUM), r.get(MEMORY_SIZE), r.get(DEFAULT_L3), r.get(ZONE_UUID)));
    }

    VmRow get(String uuid) {
        return find(uuid).orElseThrow(() -> ApiException.notFound("VM instance", uuid));
    }

    /** The VM's row and its root volume's, in one transaction: a VM never exists without the volume it names. */
    void insertVmWithRootVolume(String uuid, VmCreation c, io.vrouter.server.host.HostRecord host, String rootVolumeUuid, VmState state) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            insertVm(tx, uuid, c, host, rootVolumeUuid, state);
            insertRootVolume(tx, rootVolumeUuid, uuid, c.name(), c.imageUuid());
        });
    }

    /**
     * What a VM lacks of what every VM has (a nic, its root volume), in words; empty when it is whole. A creation
     * that never finished leaves such a VM; it must not start.
     */
    List<String> missingParts(String vmUuid) {
        List<String> missing = new java.util.ArrayList<>();
        if (!dsl.fetchExists(NIC, VM_INSTANCE_UUID.eq(vmUuid))) {
            missing.add("no nic");
        }
        String rootVolume = dsl.select(ROOT_VOLUME_UUID).from(VM).where(UUID.eq(vmUuid)).fetchOne(ROOT_VOLUME_UUID);
        if (rootVolume == null || !dsl.fetchExists(VOLUME, UUID.eq(rootVolume).and(VM_INSTANCE_UUID.eq(vmUuid)))) {
            missing.add("no root volume");
        }
        return missing;
    }

    private void insertVm(DSLContext tx, String uuid, VmCreation c, io.vrouter.server.host.HostRecord host, String rootVolumeUuid, VmState state) {
        var now = clock.utcNow();
        tx.insertInto(VM).columns(UUID, NAME, DESCRIPTION, ZONE_UUID, CLUSTER_UUID, HOST_UUID, LAST_HOST_UUID, IMAGE_UUID,
                        INSTANCE_OFFERING_UUID, ROOT_VOLUME_UUID, DEFAULT_L3, HYPERVISOR_TYPE, VM_TYPE, STATE, CPU_NUM,
                        CPU_SPEED, MEMORY_SIZE, ALLOCATOR_STRATEGY, PLATFORM, CREATE_DATE, LAST_OP_DATE)
                .values(uuid, c.name(), c.description(), host.zoneUuid(), host.clusterUuid(), host.uuid(), host.uuid(),
                        c.imageUuid(), c.instanceOfferingUuid(), rootVolumeUuid, c.defaultL3Uuid(), host.hypervisorType(),
                        c.type(), state.name(), c.cpuNum(), c.cpuSpeed(), c.memorySize(), "DefaultHostAllocatorStrategy",
                        c.platform(), now, now)
                .execute();
    }

    private void insertRootVolume(DSLContext tx, String uuid, String vmUuid, String vmName, String imageUuid) {
        var now = clock.utcNow();
        tx.insertInto(VOLUME).columns(UUID, NAME, DESCRIPTION, VM_INSTANCE_UUID, ROOT_IMAGE_UUID, VOLUME_TYPE, FORMAT, SIZE,
                        VmTables.DEVICE_ID, STATE, STATUS, INSTALL_PATH, CREATE_DATE, LAST_OP_DATE)
                .values(uuid, "ROOT-for-" + vmName, "Root volume for VM[uuid:" + vmUuid + "]", vmUuid, imageUuid, "Root",
                        "qcow2", 0L, 0, "Enabled", "Ready", null, now, now)
                .execute();
    }

    /** Inserts a nic with a fresh random MAC, drawing again on the rare collision. */
    String insertNic(String vmUuid, AllocatedIp ip, int deviceId) {
        for (int attempt = 0; ; attempt++) {
            String uuid = io.vrouter.server.db.Uuid.random();
            var now = clock.utcNow();
            try {
                dsl.insertInto(NIC).columns(UUID, VM_INSTANCE_UUID, L3_NETWORK_UUID, USED_IP_UUID, IP, MAC, NETMASK, GATEWAY,
                                DEVICE_ID, CREATE_DATE, LAST_OP_DATE)
                        .values(uuid, vmUuid, ip.l3NetworkUuid(), ip.uuid(), ip.ip(), MacAddresses.random(), ip.netmask(),
                                ip.gateway(), deviceId, now, now)
                        .execute();
                return uuid;
            } catch (DataAccessException e) {
                boolean integrity = e.sqlState() != null && e.sqlState().startsWith("23");
                if (!integrity || attempt >= MAC_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Moves the VM's nic on {@code ip}'s L3 to that address and releases the one it held, in one transaction; false
     * when the VM has no nic there.
     */
    boolean changeNicIp(String vmUuid, AllocatedIp ip) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            List<String> old = tx.select(USED_IP_UUID).from(NIC).where(VM_INSTANCE_UUID.eq(vmUuid))
                    .and(L3_NETWORK_UUID.eq(ip.l3NetworkUuid())).and(USED_IP_UUID.isNotNull()).fetch(USED_IP_UUID);
            int changed = tx.update(NIC).set(USED_IP_UUID, ip.uuid()).set(IP, ip.ip()).set(NETMASK, ip.netmask())
                    .set(GATEWAY, ip.gateway()).set(LAST_OP_DATE, clock.utcNow())
                    .where(VM_INSTANCE_UUID.eq(vmUuid)).and(L3_NETWORK_UUID.eq(ip.l3NetworkUuid())).execute();
            if (changed > 0) {
                IpAllocator.release(tx, old);
            }
            return changed > 0;
        });
    }

    /** The VM's rows and the addresses its nics held, in one transaction. */
    void deleteVm(String vmUuid) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            List<String> usedIps = tx.select(USED_IP_UUID).from(NIC).where(VM_INSTANCE_UUID.eq(vmUuid)).and(USED_IP_UUID.isNotNull())
                    .fetch(USED_IP_UUID);
            tx.deleteFrom(NIC).where(VM_INSTANCE_UUID.eq(vmUuid)).execute();
            IpAllocator.release(tx, usedIps);
            tx.deleteFrom(VOLUME).where(VM_INSTANCE_UUID.eq(vmUuid)).execute();
            tx.deleteFrom(VM).where(UUID.eq(vmUuid)).execute();
        });
    }

    void deleteNics(String vmUuid) {
        dsl.deleteFrom(NIC).where(VM_INSTANCE_UUID.eq(vmUuid)).execute();
    }

    void setState(String vmUuid, VmState state) {
        dsl.update(VM).set(STATE, state.name()).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(vmUuid)).execute();
    }

    List<String> onHost(String hostUuid, VmState state, String vmType) {
        return dsl.select(UUID).from(VM).where(HOST_UUID.eq(hostUuid)).and(STATE.eq(state.name())).and(VM_TYPE.eq(vmType)).fetch(UUID);
    }

    /** Puts the VM on another host, Starting there; its last host is where it was. */
    void moveTo(String vmUuid, io.vrouter.server.host.HostRecord host, String fromHost) {
        dsl.update(VM).set(HOST_UUID, host.uuid()).set(CLUSTER_UUID, host.clusterUuid()).set(LAST_HOST_UUID, fromHost)
                .set(STATE, VmState.Starting.name()).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(vmUuid)).execute();
    }

    /** Moves the VM to {@code to} only if it is in one of {@code from}; false when it is not. */
    boolean transition(String vmUuid, List<VmState> from, VmState to) {
        return dsl.update(VM).set(STATE, to.name()).set(LAST_OP_DATE, clock.utcNow())
                .where(UUID.eq(vmUuid)).and(STATE.in(from.stream().map(Enum::name).toList())).execute() == 1;
    }

    /** The VM as hypervisors and extensions see it, with each nic's L2. */
    VmSpec spec(VmRow vm, Map<String, String> bootParams) {
        return toSpec(vm, nicsOf(List.of(vm)).getOrDefault(vm.uuid(), List.of()), bootParams);
    }

    private static VmSpec toSpec(VmRow vm, List<NicSpec> nics, Map<String, String> bootParams) {
        return new VmSpec(vm.uuid(), vm.name(), vm.type(), vm.hostUuid(), vm.hypervisorType(), vm.cpuNum(), vm.memorySize(),
                nics, bootParams);
    }

    /** The nics of many VMs with their L2s, one query per thousand VMs, by VM uuid in device order. */
    private Map<String, List<NicSpec>> nicsOf(List<VmRow> vms) {
        Map<String, VmRow> byUuid = new java.util.HashMap<>();
        vms.forEach(v -> byUuid.put(v.uuid(), v));
        List<String> uuids = new java.util.ArrayList<>(byUuid.keySet());
        Map<String, List<NicSpec>> out = new java.util.HashMap<>();
        // the L2 behind each L3 is the L3 and L2 packages' to answer; a VM set spans few L3s, so ask once per L3
        Map<String, L2NetworkRecord> l2ByL3 = new java.util.HashMap<>();
        for (int from = 0; from < uuids.size(); from += 1000) {
            List<String> chunk = uuids.subList(from, Math.min(uuids.size(), from + 1000));
            dsl.select(UUID, L3_NETWORK_UUID, MAC, IP, NETMASK, GATEWAY, DEVICE_ID, VM_INSTANCE_UUID)
                    .from(NIC)
                    .where(VM_INSTANCE_UUID.in(chunk))
                    .orderBy(VM_INSTANCE_UUID, DEVICE_ID)
                    .forEach(r -> {
                        VmRow vm = byUuid.get(r.value8());
                        L2NetworkRecord l2 = l2ByL3.computeIfAbsent(r.value2(), l2OfL3);
                        out.computeIfAbsent(vm.uuid(), k -> new java.util.ArrayList<>()).add(new NicSpec(r.value1(), r.value2(),
                                l2.uuid(), l2.physicalInterface(), l2.vlan(), r.value3(), r.value4(), r.value5(), r.value6(), r.value7(),
                                r.value2().equals(vm.defaultL3Uuid())));
                    });
        }
        return out;
    }

    /** Every VM in a state on a hypervisor type, as specs: a few queries however many VMs (node start adopts thousands). */
    List<VmSpec> specsInState(VmState state, String hypervisorType, java.util.function.Function<VmRow, Map<String, String>> bootParams) {
        return specsWhere(STATE.eq(state.name()).and(HYPERVISOR_TYPE.eq(hypervisorType)), bootParams);
    }

    /** The VMs of a host in state {@code state}. */
    List<VmSpec> specsOnHost(String hostUuid, VmState state, java.util.function.Function<VmRow, Map<String, String>> bootParams) {
        return specsWhere(STATE.eq(state.name()).and(HOST_UUID.eq(hostUuid)), bootParams);
    }

    private List<VmSpec> specsWhere(org.jooq.Condition where, java.util.function.Function<VmRow, Map<String, String>> bootParams) {
        List<VmRow> vms = dsl.select(UUID, NAME, VM_TYPE, STATE, HOST_UUID, HYPERVISOR_TYPE, CPU_NUM, MEMORY_SIZE, DEFAULT_L3, ZONE_UUID)
                .from(VM).where(where)
                .fetch(r -> new VmRow(r.get(UUID), r.get(NAME), r.get(VM_TYPE), r.get(STATE), r.get(HOST_UUID),
                        r.get(HYPERVISOR_TYPE), r.get(CPU_NUM), r.get(MEMORY_SIZE), r.get(DEFAULT_L3), r.get(ZONE_UUID)));
        Map<String, List<NicSpec>> nics = nicsOf(vms);
        return vms.stream().map(vm -> toSpec(vm, nics.getOrDefault(vm.uuid(), List.of()), bootParams.apply(vm))).toList();
    }

    /** Moves every VM of a host in state {@code from} to {@code to}; returns how many moved. */
    int settleOnHost(String hostUuid, VmState from, VmState to) {
        return dsl.update(VM).set(STATE, to.name()).set(LAST_OP_DATE, clock.utcNow())
                .where(HOST_UUID.eq(hostUuid)).and(STATE.eq(from.name())).execute();
    }

    /** Moves every VM in one of {@code from} to {@code to}; returns how many moved. */
    int settle(List<VmState> from, VmState to) {
        return dsl.update(VM).set(STATE, to.name()).set(LAST_OP_DATE, clock.utcNow())
                .where(STATE.in(from.stream().map(Enum::name).toList())).execute();
    }

    /** The same for appliance VMs only: a user VM may legitimately stay Created (CreateStopped). */
    int settleAppliances(VmState from, VmState to) {
        return dsl.update(VM).set(STATE, to.name()).set(LAST_OP_DATE, clock.utcNow())
                .where(STATE.eq(from.name())).and(VM_TYPE.eq("ApplianceVm")).execute();
    }

}
