package io.vrouter.server.agentcert;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import static io.vrouter.server.db.Columns.field;

/** The ledger of agent certificates, named once; read and written by {@link AgentCertificates}. */
final class AgentCertTables {
    private AgentCertTables() {
    }

    static final Table<?> AGENT_CERTIFICATE = DSL.table(DSL.unquotedName("agent_certificate"));
    /** The certificate's serial number in lower-case hex. */
    static final Field<String> SERIAL = field("serial", String.class);
    /** Who holds it: {@link AgentCertificates#routerHolder} or {@link AgentCertificates#hostHolder}. */
    static final Field<String> HOLDER = field("holder", String.class);
    static final Field<String> ROLE = field("role", String.class);
    static final Field<Long> NOT_AFTER_MS = field("not_after_ms", Long.class);
    /** When it was withdrawn; null while it is good. */
    static final Field<Long> REVOKED_MS = field("revoked_ms", Long.class);
}
