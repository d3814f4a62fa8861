package io.vrouter.server.task;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;

import static io.vrouter.server.db.Columns.field;

/** The flow journal's tables and columns, named once; other packages go through {@link FlowJournal}. */
final class FlowTables {
    private FlowTables() {
    }

    static final Table<?> RUN = DSL.table(DSL.unquotedName("flow_run"));
    static final Table<?> STEP = DSL.table(DSL.unquotedName("flow_step"));

    static final Field<Long> SEQ = field("seq", Long.class);
    static final Field<String> CHAIN_NAME = field("chain_name", String.class);
    static final Field<String> NODE_ID = field("node_id", String.class);
    static final Field<String> STATE = field("state", String.class);
    static final Field<LocalDateTime> CREATE_DATE = field("create_date", LocalDateTime.class);
    static final Field<LocalDateTime> LAST_OP_DATE = field("last_op_date", LocalDateTime.class);

    static final Field<String> RUN_UUID = field("run_uuid", String.class);
    static final Field<Integer> STEP_INDEX = field("step_index", Integer.class);
    static final Field<String> STEP_NAME = field("step_name", String.class);
    static final Field<String> UNDO_KIND = field("undo_kind", String.class);
    static final Field<String> UNDO_ARGS = field("undo_args", String.class);
    static final Field<Integer> UNDO_ATTEMPTS = field("undo_attempts", Integer.class);
    static final Field<String> LAST_ERROR = field("last_error", String.class);
}
