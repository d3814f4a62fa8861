package io.vrouter.server.cluster;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import static io.vrouter.server.db.Columns.field;

/** The cluster package's table and its columns, named once; other packages go through {@link Clusters}. */
final class ClusterTables {
    private ClusterTables() {
    }

    static final Table<?> CLUSTER = DSL.table(DSL.unquotedName("cluster"));
    static final Field<String> ZONE_UUID = field("zone_uuid", String.class);
    static final Field<String> CLUSTER_UUID = field("cluster_uuid", String.class);
    static final Field<String> HYPERVISOR_TYPE = field("hypervisor_type", String.class);
    static final Field<String> STATE = field("state", String.class);
    static final Field<String> CLUSTER_TYPE = field("cluster_type", String.class);
}
