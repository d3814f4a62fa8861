package io.vrouter.server.account;

import io.vrouter.server.Clock;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database from before ZStack's digest login keeps its admin password: the stored hash over the typed password
 * still lets our CLI in, and is rewritten over the SHA-512 digest on that login, or at start from the generated
 * password's file, after which ZStack's clients (sending the digest) get in too.
 */
class PasswordUpgradeTest {
    private TestNode node;
    private DSLContext dsl;

    @BeforeEach
    void start() {
        node = TestNode.start(TestDatabase.H2);
        dsl = node.node().database().dsl();
        // what the admin row held before: PBKDF2 over the typed password
        dsl.execute("UPDATE account SET password_hash = ? WHERE name = 'admin'", PasswordHasher.hash(TestNode.ADMIN_PASSWORD));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String storedHash() {
        return dsl.fetchValue("SELECT password_hash FROM account WHERE name = 'admin'").toString();
    }

    private int digestLogin() {
        return node.client().call("LogInByAccount", Map.of("accountName", "admin",
                "password", ClientPasswordDigest.sha512Hex(TestNode.ADMIN_PASSWORD))).status();
    }

    @Test
    void aTypedLoginUpgradesALegacyHash() {
        assertThat(digestLogin()).as("a legacy hash cannot check a digest").isEqualTo(401);
        node.admin();
        assertThat(storedHash()).startsWith("sha512:pbkdf2$");
        assertThat(digestLogin()).isEqualTo(200);
        assertThat(node.client().call("LogInByAccount", Map.of("accountName", "admin", "password", TestNode.ADMIN_PASSWORD)).status())
                .isEqualTo(200);
        assertThat(node.client().call("LogInByAccount", Map.of("accountName", "admin", "password", "wrong")).status()).isEqualTo(401);
    }

    @Test
    void startUpgradesALegacyHashFromTheGeneratedPasswordFile() throws Exception {
        Path file = node.dataDir().resolve("admin-password");
        Files.writeString(file, TestNode.ADMIN_PASSWORD + "\n");
        // what a start without --admin-password does
        new Accounts(dsl, Clock.SYSTEM, new GlobalConfigs(dsl, Clock.SYSTEM), new LoginThrottle(Clock.SYSTEM, new io.micrometer.core.instrument.simple.SimpleMeterRegistry())).ensureAdmin(null, file);
        assertThat(storedHash()).startsWith("sha512:");
        assertThat(digestLogin()).isEqualTo(200);
    }

    @Test
    void aPasswordOf128HexDigitsStillWorksTypedAsIs() {
        String hexLooking = ClientPasswordDigest.sha512Hex("something else");
        String stored = ClientPasswordDigest.hashForStorage(hexLooking);
        assertThat(ClientPasswordDigest.matches(hexLooking, stored)).isTrue();
        assertThat(ClientPasswordDigest.matches(ClientPasswordDigest.sha512Hex(hexLooking), stored)).isTrue();
        assertThat(ClientPasswordDigest.matches(ClientPasswordDigest.sha512Hex("something else 2"), stored)).isFalse();
    }
}
