package io.vrouter.server.vm;

import io.vrouter.server.Clock;
import org.jooq.DSLContext;
import org.jooq.Field;

import java.time.LocalDateTime;
import java.util.List;

import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.vm.VmTables.HOST_FENCE;
import static io.vrouter.server.vm.VmTables.HYPERVISOR_TYPE;
import static io.vrouter.server.vm.VmTables.HOST_UUID;
import static io.vrouter.server.vm.VmTables.VM_INSTANCE_UUID;
import static io.vrouter.server.vm.VmTables.VM_TYPE;

/**
 * The fences: for each VM re-created on another host while its host was confirmed dead, that host and the VM.
 * Written in the same queue task that moves the VM, before it starts elsewhere; removed once the old host destroyed
 * its copy. The VM's row may be gone by then, so a fence keeps what the destroy needs.
 */
final class VmHostFences {
    private static final Field<LocalDateTime> CREATE_DATE = field("create_date", LocalDateTime.class);

    /** A copy a host must destroy. */
    record Fence(String vmUuid, String hostUuid, String vmType, String hypervisorType) {
    }

    private final DSLContext dsl;
    private final Clock clock;

    VmHostFences(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    void record(String vmUuid, String hostUuid, String vmType, String hypervisorType) {
        if (dsl.fetchExists(HOST_FENCE, VM_INSTANCE_UUID.eq(vmUuid).and(HOST_UUID.eq(hostUuid)))) {
            return;
        }
        dsl.insertInto(HOST_FENCE).columns(VM_INSTANCE_UUID, HOST_UUID, VM_TYPE, HYPERVISOR_TYPE, CREATE_DATE)
                .values(vmUuid, hostUuid, vmType, hypervisorType, clock.utcNow()).execute();
    }

    List<Fence> on(String hostUuid) {
        return dsl.select(VM_INSTANCE_UUID, HOST_UUID, VM_TYPE, HYPERVISOR_TYPE).from(HOST_FENCE).where(HOST_UUID.eq(hostUuid))
                .fetch(r -> new Fence(r.value1(), r.value2(), r.value3(), r.value4()));
    }

    void remove(Fence fence) {
        dsl.deleteFrom(HOST_FENCE).where(VM_INSTANCE_UUID.eq(fence.vmUuid())).and(HOST_UUID.eq(fence.hostUuid())).execute();
    }
}
