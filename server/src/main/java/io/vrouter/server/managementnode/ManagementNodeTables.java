package io.vrouter.server.managementnode;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;

import static io.vrouter.server.db.Columns.field;

/** The membership's tables and columns, named once. Times in {@code *_ms} columns are the database's clock. */
final class ManagementNodeTables {
    private ManagementNodeTables() {
    }

    static final Table<?> NODE = DSL.table(DSL.unquotedName("management_node"));
    static final Field<String> HOST_NAME = field("host_name", String.class);
    static final Field<LocalDateTime> JOIN_DATE = field("join_date", LocalDateTime.class);
    static final Field<LocalDateTime> HEART_BEAT = field("heart_beat", LocalDateTime.class);
    static final Field<Long> HEART_BEAT_MS = field("heart_beat_ms", Long.class);

    static final Table<?> TRACKER = DSL.table(DSL.unquotedName("host_tracker"));
    static final Field<String> HOST = field("host_uuid", String.class);
    static final Field<String> OWNER = field("management_node_uuid", String.class);
    static final Field<Long> EXPIRE_MS = field("expire_ms", Long.class);
}
