package io.vrouter.server.tag;

import org.jooq.Table;
import org.jooq.impl.DSL;

/** The tag package's table, named once; other packages go through {@link Tags}. */
final class TagTables {
    private TagTables() {
    }

    static final Table<?> RESOURCE_TAG = DSL.table(DSL.unquotedName("resource_tag"));
}
