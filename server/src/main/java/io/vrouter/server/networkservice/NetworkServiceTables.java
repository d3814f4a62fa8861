package io.vrouter.server.networkservice;

import org.jooq.Table;
import org.jooq.impl.DSL;

/** The network service package's tables (providers, their types, the L3s' services), named once; other packages go through {@link NetworkServices}. */
final class NetworkServiceTables {
    private NetworkServiceTables() {
    }

    static final Table<?> PROVIDER = DSL.table(DSL.unquotedName("network_service_provider"));
    static final Table<?> TYPE = DSL.table(DSL.unquotedName("network_service_type"));
    static final Table<?> REF = DSL.table(DSL.unquotedName("network_service_l3_ref"));
}
