package io.vrouter.server.l3;

import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * The L3 package's tables, named once: L3 networks, their DNS servers, IP ranges and the addresses in use. Other
 * packages go through {@link L3Networks}, {@link IpRanges} and {@link IpAllocator}.
 */
final class L3Tables {
    private L3Tables() {
    }

    static final Table<?> L3 = DSL.table(DSL.unquotedName("l3_network"));
    static final Table<?> DNS = DSL.table(DSL.unquotedName("l3_network_dns"));
    static final Table<?> IP_RANGE = DSL.table(DSL.unquotedName("ip_range"));
    static final Table<?> USED_IP = DSL.table(DSL.unquotedName("used_ip"));
}
