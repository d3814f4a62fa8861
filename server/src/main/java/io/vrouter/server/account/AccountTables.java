package io.vrouter.server.account;

import org.jooq.Table;
import org.jooq.impl.DSL;

/** The account package's tables (accounts and their sessions), named once; other packages go through {@link Accounts}. */
final class AccountTables {
    private AccountTables() {
    }

    static final Table<?> ACCOUNT = DSL.table(DSL.unquotedName("account"));
    static final Table<?> SESSION = DSL.table(DSL.unquotedName("account_session"));
}
