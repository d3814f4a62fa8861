package io.vrouter.server.host;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import static io.vrouter.server.db.Columns.field;

/** The host package's table and its columns, named once; other packages go through {@link Hosts}. */
final class HostTables {
    private HostTables() {
    }

    static final Table<?> HOST = DSL.table(DSL.unquotedName("host"));
    static final Field<String> ZONE_UUID = field("zone_uuid", String.class);
    static final Field<String> CLUSTER_UUID = field("cluster_uuid", String.class);
    static final Field<String> MANAGEMENT_IP = field("management_ip", String.class);
    static final Field<String> HYPERVISOR_TYPE = field("hypervisor_type", String.class);
    static final Field<String> STATE = field("state", String.class);
    static final Field<String> STATUS = field("status", String.class);
    static final Field<Long> TOTAL_CPU = field("total_cpu_capacity", Long.class);
    static final Field<Long> AVAILABLE_CPU = field("available_cpu_capacity", Long.class);
    static final Field<Long> TOTAL_MEMORY = field("total_memory_capacity", Long.class);
    static final Field<Long> AVAILABLE_MEMORY = field("available_memory_capacity", Long.class);
}
