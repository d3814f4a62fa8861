package io.vrouter.server.account;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vrouter.api.ErrorCode;
import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Slows password guessing down without handing a stranger a way to lock the admin out.
 *
 * <p>Two limits, both keyed by where the attempt comes from, never by the account alone:
 * <ul>
 *   <li><b>per (account, address)</b>: {@link #FREE_FAILURES} failures in a row are free; after that each attempt
 *       waits twice as long as the one before (1 s, 2 s, 4 s, ... up to {@link #MAX_BACKOFF}) after the last
 *       failure. A success resets it.</li>
 *   <li><b>per address</b>, across accounts: a bucket of {@link #ADDRESS_BURST} failures that refills one every
 *       {@link #ADDRESS_REFILL}: an address that guesses many accounts (or one account with many names) is held
 *       to about 180 failures an hour.</li>
 * </ul>
 * A refused attempt costs no hash and writes nothing. The same admin from another address is unaffected, which is
 * what makes this safe against lockout; the price is that an attacker with many addresses gets each address's
 * allowance (see docs/security.md). Behind a proxy every client has the proxy's address.
 *
 * <p>At most {@link #CONCURRENT_PER_ADDRESS} password checks run at once per address; more wait their turn (so
 * many correct logins at once all succeed, while a guesser cannot run more hashes in parallel, and no more than that
 * many guesses can pass the checks before the first of them is recorded as a failure).
 */
public final class LoginThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);

    static final int FREE_FAILURES = 5;
    static final Duration MAX_BACKOFF = Duration.ofMinutes(15);
    static final int ADDRESS_BURST = 30;
    static final Duration ADDRESS_REFILL = Duration.ofSeconds(20);
    /** Entries idle this long are forgotten: the longest backoff and a full refill are over by then. */
    private static final Duration IDLE = Duration.ofHours(1);
    private static final int SWEEP_ABOVE = 10_000;
    static final int CONCURRENT_PER_ADDRESS = 4;
    /** How long an attempt waits for its address's turn before it is refused. */
    private static final Duration TURN_TIMEOUT = Duration.ofSeconds(30);

    private final Clock clock;
    private final Counter wrongPassword;
    private final Counter throttled;
    private final Map<String, Failures> byAccountAndAddress = new HashMap<>();
    private final Map<String, Bucket> byAddress = new HashMap<>();
    private final Map<String, Semaphore> turns = new HashMap<>();

    public LoginThrottle(Clock clock, MeterRegistry metrics) {
        this.clock = clock;
        this.wrongPassword = Counter.builder("vrouter_login_failures").tag("reason", "wrong_password")
                .description("LogInByAccount attempts refused, by reason").register(metrics);
        this.throttled = Counter.builder("vrouter_login_failures").tag("reason", "throttled")
                .description("LogInByAccount attempts refused, by reason").register(metrics);
    }

    private static final class Failures {
        int count;
        Instant last;
    }

    private static final class Bucket {
        double tokens = ADDRESS_BURST;
        Instant updated;
    }

    /** One attempt in progress: end it with {@link #succeeded()} or {@link #failed()}. */
    public final class Attempt {
        private final String account;
        private final String address;
        private final Semaphore turn;

        private Attempt(String account, String address, Semaphore turn) {
            this.account = account;
            this.address = address;
            this.turn = turn;
        }

        public void succeeded() {
            synchronized (LoginThrottle.this) {
                byAccountAndAddress.remove(key(account, address));
            }
            turn.release();
        }

        public void failed() {
            wrongPassword.increment();
            int count;
            synchronized (LoginThrottle.this) {
                Instant now = clock.now();
                Bucket bucket = byAddress.computeIfAbsent(address, a -> new Bucket());
                refill(bucket, now);
                bucket.tokens -= 1;
                Failures f = byAccountAndAddress.computeIfAbsent(key(account, address), k -> new Failures());
                f.count++;
                f.last = now;
                count = f.count;
            }
            turn.release();
            LOG.warn("login failed: wrong password or unknown account '{}' from {} ({} in a row from there)", account, address, count);
        }
    }

    /**
     * Starts an attempt once its address has a turn, or refuses it with TOO_MANY_REQUESTS saying how long to wait.
     * The caller must end it with {@link Attempt#succeeded()} or {@link Attempt#failed()}.
     */
    public Attempt begin(String account, String clientAddress) {
        String address = clientAddress == null ? "unknown" : clientAddress;
        Semaphore turn;
        synchronized (this) {
            turn = turns.computeIfAbsent(address, a -> new Semaphore(CONCURRENT_PER_ADDRESS, true));
        }
        try {
            if (!turn.tryAcquire(TURN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throttled.increment();
                throw new ApiException(ErrorCode.TOO_MANY_REQUESTS, "too many logins at once",
                        "too many logins at once from " + address + "; try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a login turn", e);
        }
        try {
            check(account, address);
        } catch (RuntimeException e) {
            turn.release();
            throw e;
        }
        return new Attempt(account, address, turn);
    }

    /** Refuses the attempt when either limit holds it back. */
    private void check(String account, String address) {
        Instant now = clock.now();
        synchronized (this) {
            sweep(now);
            Bucket bucket = byAddress.computeIfAbsent(address, a -> new Bucket());
            refill(bucket, now);
            Failures failures = byAccountAndAddress.get(key(account, address));
            Duration wait = Duration.ZERO;
            if (failures != null && failures.count >= FREE_FAILURES) {
                Instant allowed = failures.last.plus(backoff(failures.count));
                if (allowed.isAfter(now)) {
                    wait = Duration.between(now, allowed);
                }
            }
            if (bucket.tokens < 1) {
                Duration untilToken = Duration.ofMillis((long) Math.ceil((1 - bucket.tokens) * ADDRESS_REFILL.toMillis()));
                wait = untilToken.compareTo(wait) > 0 ? untilToken : wait;
            }
            if (!wait.isZero()) {
                throttled.increment();
                long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
                throw new ApiException(ErrorCode.TOO_MANY_REQUESTS, "too many failed logins",
                        "too many failed logins from " + address + "; try again in " + seconds + " s");
            }
        }
    }

    /** Attempts waiting for a turn at {@code address}: for tests. */
    int waitingAt(String address) {
        Semaphore turn;
        synchronized (this) {
            turn = turns.get(address);
        }
        return turn == null ? 0 : turn.getQueueLength();
    }

    /** The wait after the {@code failures}-th failure in a row: doubling from 1 s once the free ones are used. */
    static Duration backoff(int failures) {
        int doublings = Math.min(failures - FREE_FAILURES, 20);
        Duration wait = Duration.ofSeconds(1L << doublings);
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    private static void refill(Bucket bucket, Instant now) {
        if (bucket.updated != null && now.isAfter(bucket.updated)) {
            double earned = (double) Duration.between(bucket.updated, now).toMillis() / ADDRESS_REFILL.toMillis();
            bucket.tokens = Math.min(ADDRESS_BURST, bucket.tokens + earned);
        }
        bucket.updated = now;
    }

    /** Keeps memory bounded when many addresses or names are tried: idle entries are dropped. */
    private void sweep(Instant now) {
        if (byAccountAndAddress.size() + byAddress.size() < SWEEP_ABOVE) {
            return;
        }
        Instant horizon = now.minus(IDLE);
        byAccountAndAddress.values().removeIf(f -> f.last.isBefore(horizon));
        byAddress.values().removeIf(b -> b.updated.isBefore(horizon));
        turns.values().removeIf(t -> t.availablePermits() == CONCURRENT_PER_ADDRESS && !t.hasQueuedThreads());
    }

    private static String key(String account, String address) {
        return account + "\u0000" + address;
    }
}
