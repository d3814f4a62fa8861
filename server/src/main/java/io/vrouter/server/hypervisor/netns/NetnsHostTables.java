package io.vrouter.server.hypervisor.netns;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import static io.vrouter.server.db.Columns.field;

/** How the management node reaches each Netns host's agent, named once; read and written by {@link HostAgents}. */
final class NetnsHostTables {
    private NetnsHostTables() {
    }

    static final Table<?> NETNS_HOST_AGENT = DSL.table(DSL.unquotedName("netns_host_agent"));
    static final Field<String> HOST_UUID = field("host_uuid", String.class);
    /** Null: the agent the management node runs for its own machine ({@code NodeHostAgent}). */
    static final Field<Integer> AGENT_PORT = field("agent_port", Integer.class);
    static final Field<String> AGENT_SECRET = field("agent_secret", String.class);
}
