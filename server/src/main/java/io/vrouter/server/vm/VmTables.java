package io.vrouter.server.vm;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;

/** The columns of the VM package's tables, named once. */
final class VmTables {
    private VmTables() {
    }

    static final Table<?> VM = DSL.table(DSL.unquotedName("vm_instance"));
    static final Table<?> NIC = DSL.table(DSL.unquotedName("vm_nic"));
    static final Table<?> VOLUME = DSL.table(DSL.unquotedName("volume"));

    static final Field<String> UUID = f("uuid", String.class);
    static final Field<String> NAME = f("name", String.class);
    static final Field<String> DESCRIPTION = f("description", String.class);
    static final Field<String> ZONE_UUID = f("zone_uuid", String.class);
    static final Field<String> CLUSTER_UUID = f("cluster_uuid", String.class);
    static final Field<String> HOST_UUID = f("host_uuid", String.class);
    static final Field<String> LAST_HOST_UUID = f("last_host_uuid", String.class);
    static final Field<String> IMAGE_UUID = f("image_uuid", String.class);
    static final Field<String> INSTANCE_OFFERING_UUID = f("instance_offering_uuid", String.class);
    static final Field<String> ROOT_VOLUME_UUID = f("root_volume_uuid", String.class);
    static final Field<String> DEFAULT_L3 = f("default_l3_network_uuid", String.class);
    static final Field<String> HYPERVISOR_TYPE = f("hypervisor_type", String.class);
    static final Field<String> VM_TYPE = f("vm_type", String.class);
    static final Field<String> STATE = f("state", String.class);
    static final Field<Integer> CPU_NUM = f("cpu_num", Integer.class);
    static final Field<Long> CPU_SPEED = f("cpu_speed", Long.class);
    static final Field<Long> MEMORY_SIZE = f("memory_size", Long.class);
    static final Field<String> ALLOCATOR_STRATEGY = f("allocator_strategy", String.class);
    static final Field<String> PLATFORM = f("platform", String.class);
    static final Field<LocalDateTime> CREATE_DATE = f("create_date", LocalDateTime.class);
    static final Field<LocalDateTime> LAST_OP_DATE = f("last_op_date", LocalDateTime.class);

    static final Field<String> VM_INSTANCE_UUID = f("vm_instance_uuid", String.class);
    static final Field<String> L3_NETWORK_UUID = f("l3_network_uuid", String.class);
    static final Field<String> USED_IP_UUID = f("used_ip_uuid", String.class);
    static final Field<String> IP = f("ip", String.class);
    static final Field<String> MAC = f("mac", String.class);
    static final Field<String> NETMASK = f("netmask", String.class);
    static final Field<String> GATEWAY = f("gateway", String.class);
    static final Field<Integer> DEVICE_ID = f("device_id", Integer.class);
    static final Field<String> META_DATA = f("meta_data", String.class);

    static final Field<String> ROOT_IMAGE_UUID = f("root_image_uuid", String.class);
    static final Field<String> VOLUME_TYPE = f("volume_type", String.class);
    static final Field<String> FORMAT = f("format", String.class);
    static final Field<Long> SIZE = f("size", Long.class);
    static final Field<String> STATUS = f("status", String.class);
    static final Field<String> INSTALL_PATH = f("install_path", String.class);

    static <T> Field<T> f(String column, Class<T> type) {
        return DSL.field(DSL.unquotedName(column), type);
    }

    static <T> Field<T> f(String table, String column, Class<T> type) {
        return DSL.field(DSL.unquotedName(table, column), type);
    }
}
