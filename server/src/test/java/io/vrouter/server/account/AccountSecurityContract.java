package io.vrouter.server.account;

import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.TestNode;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a stolen database or a guessing client gets: session tokens only as hashes, expired sessions gone, login
 * failures throttled by address and counted, unknown accounts as costly to try as known ones.
 */
abstract class AccountSecurityContract extends NodeContract {

    private DSLContext dsl() {
        return node.node().database().dsl();
    }

    private ApiReply logIn(String account, String password) {
        return node.client().call("LogInByAccount", Map.of("accountName", account, "password", password));
    }

    @Test
    void sessionTokensAreStoredOnlyAsTheirHash() {
        String token = admin.session();
        List<String> everyValue = dsl().fetch("SELECT * FROM account_session").stream()
                .flatMap(r -> java.util.Arrays.stream(r.intoArray())).map(String::valueOf).toList();
        assertThat(everyValue).noneMatch(v -> v.contains(token));
        assertThat(everyValue).contains(SessionTokens.hash(token));
        // and the hash is not a token: presenting it is refused
        ApiClient withHash = node.client();
        withHash.useSession(SessionTokens.hash(token).substring(0, 32));
        assertThat(withHash.call("QueryZone", Map.of()).status()).isEqualTo(401);
        assertThat(admin.call("QueryZone", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void expiredSessionsArePurgedAtStart() {
        ApiClient other = node.client().logIn(TestNode.ADMIN_PASSWORD);
        long timeout = node.node().globalConfigs().intValue("identity", "session.timeout");
        node.clock().advance(Duration.ofSeconds(timeout + 1));
        int sessions = dsl().fetchCount(DSL.table(DSL.unquotedName("account_session")));
        assertThat(sessions).isGreaterThanOrEqualTo(2);
        node.restart();
        assertThat(dsl().fetchCount(DSL.table(DSL.unquotedName("account_session")))).isZero();
        ApiClient sameSession = node.client(); // the restarted node listens on a new port
        sameSession.useSession(other.session());
        assertThat(sameSession.call("QueryZone", Map.of()).status()).isEqualTo(401);
        admin = node.admin();
        // and periodically: what expires while the node runs goes at the next purge
        node.clock().advance(Duration.ofSeconds(timeout + 1));
        assertThat(new SessionTokens(dsl(), node.clock()).purgeExpired()).isEqualTo(1);
        admin = node.admin();
    }

    @Test
    void unknownAccountsCostAHashLikeWrongPasswords() {
        long before = PasswordHasher.checksRun();
        ApiReply unknown = logIn("nobody-" + System.nanoTime(), "guess");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(PasswordHasher.checksRun()).as("hashes run for an unknown account").isEqualTo(before + 1);
        ApiReply wrong = logIn("admin", "guess");
        assertThat(wrong.errorDetails()).isEqualTo(unknown.errorDetails());
        assertThat(PasswordHasher.checksRun()).isEqualTo(before + 2);
    }

    @Test
    void guessingIsThrottledCountedAndTheAdminStillLogsInAfterwards() {
        String account = "guessed-" + System.nanoTime();
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(logIn(account, "guess" + i).status()).isEqualTo(401);
        }
        long hashes = PasswordHasher.checksRun();
        ApiReply throttled = logIn(account, "guess");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.errorCode()).isEqualTo("SYS.1429");
        assertThat(throttled.errorDetails()).startsWith("too many failed logins from 127.0.0.1; try again in ");
        assertThat(PasswordHasher.checksRun()).as("a throttled attempt costs no hash").isEqualTo(hashes);
        assertThat(scrape()).contains("vrouter_login_failures_total{reason=\"throttled\"}")
                .contains("vrouter_login_failures_total{reason=\"wrong_password\"}");
        // the guessed name is throttled, not the address: the admin from the same machine is fine
        assertThat(logIn("admin", TestNode.ADMIN_PASSWORD).status()).isEqualTo(200);
        node.clock().advance(Duration.ofSeconds(1));
        assertThat(logIn(account, "guess").status()).isEqualTo(401);
    }

    private String scrape() {
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
