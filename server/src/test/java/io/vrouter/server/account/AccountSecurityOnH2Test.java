package io.vrouter.server.account;

import io.vrouter.server.testing.TestDatabase;

/** Account security on H2. */
class AccountSecurityOnH2Test extends AccountSecurityContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
