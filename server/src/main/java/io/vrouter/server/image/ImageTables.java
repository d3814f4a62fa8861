package io.vrouter.server.image;

import org.jooq.Table;
import org.jooq.impl.DSL;

/** The image package's table and its columns, named once; other packages go through {@link Images}. */
final class ImageTables {
    private ImageTables() {
    }

    static final Table<?> IMAGE = DSL.table(DSL.unquotedName("image"));
}
