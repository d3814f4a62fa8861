package io.vrouter.server.eip;

import org.jooq.Table;
import org.jooq.impl.DSL;

/** The EIP package's table, named once; other packages go through {@link Eips}. */
final class EipTables {
    private EipTables() {
    }

    static final Table<?> EIP = DSL.table(DSL.unquotedName("eip"));
}
