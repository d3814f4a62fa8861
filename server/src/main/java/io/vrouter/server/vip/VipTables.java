package io.vrouter.server.vip;

import org.jooq.Table;
import org.jooq.impl.DSL;

/** The VIP package's table and the view of its inventory, named once; other packages go through {@link Vips}. */
final class VipTables {
    private VipTables() {
    }

    static final Table<?> VIP = DSL.table(DSL.unquotedName("vip"));
    /** The VIP with {@code use_for} derived from what stands on it (baseline V5). */
    static final Table<?> VIP_VIEW = DSL.table(DSL.unquotedName("vip_view"));
}
