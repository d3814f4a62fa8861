package io.vrouter.server.account;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final LoginThrottle throttle = new LoginThrottle(clock, metrics);

    private void fail(String account, String address) {
        throttle.begin(account, address).failed();
    }

    private double counted(String reason) {
        return metrics.get("vrouter_login_failures").tag("reason", reason).counter().count();
    }

    @Test
    void afterTheFreeFailuresEachAttemptWaitsTwiceAsLong() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            fail("admin", "192.0.2.7");
        }
        assertThatThrownBy(() -> throttle.begin("admin", "192.0.2.7")).isInstanceOf(ApiException.class)
                .hasMessage("too many failed logins from 192.0.2.7; try again in 1 s")
                .satisfies(e -> assertThat(((ApiException) e).code().httpStatus()).isEqualTo(429));
        clock.advance(Duration.ofSeconds(1));
        fail("admin", "192.0.2.7");
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> throttle.begin("admin", "192.0.2.7")).hasMessageEndingWith("try again in 1 s");
        clock.advance(Duration.ofSeconds(1));
        throttle.begin("admin", "192.0.2.7").failed();
        assertThatThrownBy(() -> throttle.begin("admin", "192.0.2.7")).hasMessageEndingWith("try again in 4 s");
        assertThat(counted("wrong_password")).isEqualTo(7);
        assertThat(counted("throttled")).isEqualTo(3);
        assertThat(LoginThrottle.backoff(100)).isEqualTo(LoginThrottle.MAX_BACKOFF);
    }

    @Test
    void aStrangerCannotLockTheAdminOutOfAnotherAddress() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            fail("admin", "198.51.100.66");
        }
        for (int i = LoginThrottle.FREE_FAILURES; i < LoginThrottle.ADDRESS_BURST; i++) {
            fail("admin" + i, "198.51.100.66");
        }
        assertThatThrownBy(() -> throttle.begin("root", "198.51.100.66")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> throttle.begin("admin", "198.51.100.66")).isInstanceOf(ApiException.class);
        // the admin, from where the admin is, logs in as usual
        throttle.begin("admin", "192.0.2.1").succeeded();
        throttle.begin("admin", "192.0.2.1").succeeded();
    }

    @Test
    void oneAddressGuessingManyAccountsRunsOutOfItsBucket() {
        for (int i = 0; i < LoginThrottle.ADDRESS_BURST; i++) {
            fail("user" + i, "203.0.113.5");
        }
        assertThatThrownBy(() -> throttle.begin("someone-new", "203.0.113.5"))
                .hasMessage("too many failed logins from 203.0.113.5; try again in 20 s");
        clock.advance(LoginThrottle.ADDRESS_REFILL);
        fail("someone-new", "203.0.113.5");
        assertThatThrownBy(() -> throttle.begin("another", "203.0.113.5")).isInstanceOf(ApiException.class);
    }

    @Test
    void atMostAFewChecksRunAtOnceFromOneAddressTheRestWaitTheirTurn() throws Exception {
        java.util.List<LoginThrottle.Attempt> running = new java.util.ArrayList<>();
        for (int i = 0; i < LoginThrottle.CONCURRENT_PER_ADDRESS; i++) {
            running.add(throttle.begin("admin", "192.0.2.9"));
        }
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> throttle.begin("admin", "192.0.2.9"));
        for (int i = 0; i < 1000 && throttle.waitingAt("192.0.2.9") == 0; i++) {
            Thread.sleep(10);
        }
        assertThat(throttle.waitingAt("192.0.2.9")).isEqualTo(1);
        assertThat(waiting).isNotDone();
        throttle.begin("admin", "192.0.2.10").succeeded(); // another address is not held up
        running.get(0).succeeded();
        waiting.get(10, java.util.concurrent.TimeUnit.SECONDS).succeeded();
        running.subList(1, running.size()).forEach(LoginThrottle.Attempt::succeeded);
    }

    @Test
    void successForgivesTheFailures() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES - 1; i++) {
            fail("admin", "192.0.2.8");
        }
        throttle.begin("admin", "192.0.2.8").succeeded();
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            fail("admin", "192.0.2.8");
        }
        assertThatThrownBy(() -> throttle.begin("admin", "192.0.2.8")).isInstanceOf(ApiException.class);
    }
}
