package io.vrouter.server.offering;

import org.jooq.Table;
import org.jooq.impl.DSL;

/** The offering package's table and its columns, named once; other packages go through {@link InstanceOfferings}. */
final class OfferingTables {
    private OfferingTables() {
    }

    static final Table<?> INSTANCE_OFFERING = DSL.table(DSL.unquotedName("instance_offering"));
}
