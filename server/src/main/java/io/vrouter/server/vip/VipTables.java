package io.vrouter.server.vip;

import org.jooq.Table;
import org.jooq.impl.DSL;

/** The VIP package's table, named once; other packages go through {@link Vips}. */
final class VipTables {
    private VipTables() {
    }

    static final Table<?> VIP = DSL.table(DSL.unquotedName("vip"));
}
