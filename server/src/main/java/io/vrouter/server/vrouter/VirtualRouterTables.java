package io.vrouter.server.vrouter;

import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * The virtual router package's tables and views (appliances, the guest L3s each router serves, router offerings),
 * named once; other packages go through {@link VirtualRouterPlugin}.
 */
final class VirtualRouterTables {
    private VirtualRouterTables() {
    }

    static final Table<?> APPLIANCE = DSL.table(DSL.unquotedName("appliance_vm"));
    static final Table<?> GUEST = DSL.table(DSL.unquotedName("virtual_router_guest_l3"));
    /** A guest L3 served by a VRRP pair: its second router and the pair's floating public address. */
    static final Table<?> HA_PAIR = DSL.table(DSL.unquotedName("virtual_router_ha_pair"));

    static final Table<?> VR_OFFERING = DSL.table(DSL.unquotedName("virtual_router_offering"));
    static final Table<?> VR_OFFERING_VIEW = DSL.table(DSL.unquotedName("virtual_router_offering_view"));
}
