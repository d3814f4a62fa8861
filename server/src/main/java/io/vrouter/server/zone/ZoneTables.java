package io.vrouter.server.zone;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import static io.vrouter.server.db.Columns.field;

/** The zone package's table and its columns, named once; no other package reads or writes it (see {@link Zones}). */
final class ZoneTables {
    private ZoneTables() {
    }

    static final Table<?> ZONE = DSL.table(DSL.unquotedName("zone"));

    static final Field<String> STATE = field("state", String.class);
    static final Field<String> ZONE_TYPE = field("zone_type", String.class);
}
