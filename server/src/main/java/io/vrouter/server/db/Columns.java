package io.vrouter.server.db;

import org.jooq.Field;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;

/**
 * jOOQ fields for columns without code generation, and the columns every resource table has. Names are rendered
 * unquoted so the same SQL runs on H2 and PostgreSQL; each package declares its own table and other columns with
 * {@link #field}.
 */
public final class Columns {
    public static final Field<String> UUID = field("uuid", String.class);
    public static final Field<String> NAME = field("name", String.class);
    public static final Field<String> DESCRIPTION = field("description", String.class);
    public static final Field<LocalDateTime> CREATE_DATE = field("create_date", LocalDateTime.class);
    public static final Field<LocalDateTime> LAST_OP_DATE = field("last_op_date", LocalDateTime.class);

    private Columns() {
    }

    /** An unqualified column, e.g. {@code field("l3_network_uuid", String.class)}. */
    public static <T> Field<T> field(String column, Class<T> type) {
        return DSL.field(DSL.unquotedName(column), type);
    }

    /** A column qualified by its table (or alias), for joins. */
    public static <T> Field<T> field(String table, String column, Class<T> type) {
        return DSL.field(DSL.unquotedName(table, column), type);
    }
}
