package io.vrouter.server.account;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.server.Clock;
import io.vrouter.server.db.Uuid;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.vrouter.server.account.AccountTables.ACCOUNT;
import static io.vrouter.server.account.AccountTables.SESSION;
import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;

/**
 * The {@code account_session} table: session tokens stored as their SHA-256, never as given, and expired
 * sessions purged at start and every {@link #PURGE_INTERVAL}.
 *
 * <p>A token is what the client sends ({@code Authorization: OAuth <token>}, ZStack's "session uuid"): 32 hex
 * digits from a secure random source, so a plain SHA-256 suffices (nothing to brute-force, unlike a password).
 * The row's own uuid is a separate random id that may appear in logs.
 */
public final class SessionTokens implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTokens.class);
    static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);

    private static final Field<String> TOKEN_HASH = field("token_hash", String.class);
    private static final Field<String> ACCOUNT_UUID = field("account_uuid", String.class);
    private static final Field<LocalDateTime> EXPIRED_DATE = field("expired_date", LocalDateTime.class);

    private final DSLContext dsl;
    private final Clock clock;
    private ScheduledExecutorService purger;

    /** A live session as the token resolves it. */
    record Session(String accountUuid, String accountName, LocalDateTime expiredDate) {
    }

    SessionTokens(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** Opens a session; returns the token, which is stored only as its hash. */
    String open(String accountUuid, Instant expires) {
        String token = Uuid.random();
        dsl.insertInto(SESSION).columns(UUID, TOKEN_HASH, ACCOUNT_UUID, EXPIRED_DATE, CREATE_DATE)
                .values(Uuid.random(), hash(token), accountUuid, utc(expires), clock.utcNow())
                .execute();
        return token;
    }

    /** The session of a token, expired or not; empty when there is none. */
    Optional<Session> find(String token) {
        Record r = dsl.select(ACCOUNT_UUID, NAME, EXPIRED_DATE).from(SESSION)
                .join(ACCOUNT).on(field("account", "uuid", String.class).eq(ACCOUNT_UUID))
                .where(field("account_session", "token_hash", String.class).eq(hash(token)))
                .fetchOne();
        return r == null ? Optional.empty() : Optional.of(new Session(r.get(ACCOUNT_UUID), r.get(NAME), r.get(EXPIRED_DATE)));
    }

    /** Closes the session of {@code token} if it belongs to {@code accountUuid}; false when it does not. */
    boolean close(String token, String accountUuid) {
        return dsl.deleteFrom(SESSION).where(TOKEN_HASH.eq(hash(token))).and(ACCOUNT_UUID.eq(accountUuid)).execute() > 0;
    }

    void forget(String token) {
        dsl.deleteFrom(SESSION).where(TOKEN_HASH.eq(hash(token))).execute();
    }

    /** Deletes every expired session; returns how many. */
    public int purgeExpired() {
        int purged = dsl.deleteFrom(SESSION).where(EXPIRED_DATE.le(clock.utcNow())).execute();
        if (purged > 0) {
            LOG.info("purged {} expired session(s)", purged);
        }
        return purged;
    }

    /** Purges now, then every {@link #PURGE_INTERVAL} until {@link #close()}. */
    public synchronized void startPurging() {
        purgeExpired();
        if (purger != null) {
            return;
        }
        purger = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("session-purge"));
        long every = PURGE_INTERVAL.toSeconds();
        purger.scheduleWithFixedDelay(() -> {
            try {
                purgeExpired();
            } catch (RuntimeException e) {
                // a background loop never dies: the next round tries again
                LOG.warn("purging expired sessions failed; retrying in {} s", every, e);
            }
        }, every, every, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void close() {
        if (purger != null) {
            purger.shutdownNow();
            purger = null;
        }
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
