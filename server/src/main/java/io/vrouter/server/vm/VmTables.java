package io.vrouter.server.vm;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import static io.vrouter.server.db.Columns.field;

/** The tables of the VM package and their columns, named once; the shared ones are in {@link io.vrouter.server.db.Columns}. */
final class VmTables {
    private VmTables() {
    }

    static final Table<?> VM = DSL.table(DSL.unquotedName("vm_instance"));
    static final Table<?> NIC = DSL.table(DSL.unquotedName("vm_nic"));
    static final Table<?> VOLUME = DSL.table(DSL.unquotedName("volume"));
    /** VMs re-created elsewhere while a host was dead: what that host must destroy before it is Connected again. */
    static final Table<?> HOST_FENCE = DSL.table(DSL.unquotedName("vm_host_fence"));

    static final Field<String> ZONE_UUID = field("zone_uuid", String.class);
    static final Field<String> CLUSTER_UUID = field("cluster_uuid", String.class);
    static final Field<String> HOST_UUID = field("host_uuid", String.class);
    static final Field<String> LAST_HOST_UUID = field("last_host_uuid", String.class);
    static final Field<String> IMAGE_UUID = field("image_uuid", String.class);
    static final Field<String> INSTANCE_OFFERING_UUID = field("instance_offering_uuid", String.class);
    static final Field<String> ROOT_VOLUME_UUID = field("root_volume_uuid", String.class);
    static final Field<String> DEFAULT_L3 = field("default_l3_network_uuid", String.class);
    static final Field<String> HYPERVISOR_TYPE = field("hypervisor_type", String.class);
    static final Field<String> VM_TYPE = field("vm_type", String.class);
    static final Field<String> STATE = field("state", String.class);
    static final Field<Integer> CPU_NUM = field("cpu_num", Integer.class);
    static final Field<Long> CPU_SPEED = field("cpu_speed", Long.class);
    static final Field<Long> MEMORY_SIZE = field("memory_size", Long.class);
    static final Field<String> ALLOCATOR_STRATEGY = field("allocator_strategy", String.class);
    static final Field<String> PLATFORM = field("platform", String.class);

    static final Field<String> VM_INSTANCE_UUID = field("vm_instance_uuid", String.class);
    static final Field<String> L3_NETWORK_UUID = field("l3_network_uuid", String.class);
    static final Field<String> USED_IP_UUID = field("used_ip_uuid", String.class);
    static final Field<String> IP = field("ip", String.class);
    static final Field<String> MAC = field("mac", String.class);
    static final Field<String> NETMASK = field("netmask", String.class);
    static final Field<String> GATEWAY = field("gateway", String.class);
    static final Field<Integer> DEVICE_ID = field("device_id", Integer.class);
    static final Field<String> META_DATA = field("meta_data", String.class);

    static final Field<String> ROOT_IMAGE_UUID = field("root_image_uuid", String.class);
    static final Field<String> VOLUME_TYPE = field("volume_type", String.class);
    static final Field<String> FORMAT = field("format", String.class);
    static final Field<Long> SIZE = field("size", Long.class);
    static final Field<String> STATUS = field("status", String.class);
    static final Field<String> INSTALL_PATH = field("install_path", String.class);

}
