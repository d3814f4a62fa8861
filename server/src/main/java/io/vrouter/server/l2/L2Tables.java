package io.vrouter.server.l2;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import static io.vrouter.server.db.Columns.field;

/** The L2 package's tables (L2 networks and their cluster attachments, VXLAN VNI ranges and networks) and their columns, named once; other packages go through {@link L2Networks}. */
final class L2Tables {
    private L2Tables() {
    }

    static final Table<?> L2 = DSL.table(DSL.unquotedName("l2_network"));
    static final Table<?> REF = DSL.table(DSL.unquotedName("l2_network_cluster_ref"));
    static final Field<String> ZONE_UUID = field("zone_uuid", String.class);
    static final Field<String> PHYSICAL_INTERFACE = field("physical_interface", String.class);
    static final Field<String> L2_TYPE = field("l2_type", String.class);
    static final Field<Integer> VLAN_ID = field("vlan", Integer.class);
    static final Field<String> L2_NETWORK_UUID = field("l2_network_uuid", String.class);
    static final Field<String> CLUSTER_UUID = field("cluster_uuid", String.class);
    /** A VXLAN pool's VTEP subnet in the cluster of this attachment; null for every other L2. */
    static final Field<String> VTEP_CIDR = field("vtep_cidr", String.class);

    // ---------------------------------------------------------------- VXLAN
    static final Table<?> VNI_RANGE = DSL.table(DSL.unquotedName("l2_vni_range"));
    static final Table<?> VXLAN = DSL.table(DSL.unquotedName("l2_vxlan_network"));
    static final Field<Integer> START_VNI = field("start_vni", Integer.class);
    static final Field<Integer> END_VNI = field("end_vni", Integer.class);
    static final Field<String> POOL_UUID = field("pool_uuid", String.class);
    static final Field<Integer> VNI = field("vni", Integer.class);
    static final Table<?> VTEP = DSL.table(DSL.unquotedName("l2_vxlan_vtep"));
    static final Field<String> HOST_UUID = field("host_uuid", String.class);
    static final Field<String> VTEP_IP = field("vtep_ip", String.class);
    static final Field<Integer> PORT = field("port", Integer.class);
}
