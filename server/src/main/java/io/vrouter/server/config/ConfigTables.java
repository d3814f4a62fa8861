package io.vrouter.server.config;

import org.jooq.Table;
import org.jooq.impl.DSL;

/** The config package's table, named once; other packages go through {@link GlobalConfigs}. */
final class ConfigTables {
    private ConfigTables() {
    }

    static final Table<?> GLOBAL_CONFIG = DSL.table(DSL.unquotedName("global_config"));
}
