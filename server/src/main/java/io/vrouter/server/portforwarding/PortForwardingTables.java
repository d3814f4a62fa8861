package io.vrouter.server.portforwarding;

import org.jooq.Table;
import org.jooq.impl.DSL;

/** The port forwarding package's table, named once; other packages go through {@link PortForwardingRules}. */
final class PortForwardingTables {
    private PortForwardingTables() {
    }

    static final Table<?> PF = DSL.table(DSL.unquotedName("port_forwarding_rule"));
}
