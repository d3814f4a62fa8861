package io.vrouter.server.account;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.CallerSession;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.api.SessionResolver;
import io.vrouter.server.config.GlobalConfigDefinition;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.tag.ResourceTypes;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.account.AccountTables.ACCOUNT;
import static io.vrouter.server.account.AccountTables.SESSION;

/**
 * Accounts and their sessions. The admin account exists from the first start; its password is the one the
 * operator gave, or a random one written to {@code <data-dir>/admin-password} (mode 0600): never a fixed default.
 */
public final class Accounts implements SessionResolver {
    public static final String ADMIN = "admin";
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    private static final Field<String> PASSWORD_HASH = field("password_hash", String.class);
    private static final Field<String> ACCOUNT_TYPE = field("account_type", String.class);

    static final String SESSION_TIMEOUT_CATEGORY = "identity";
    static final String SESSION_TIMEOUT_NAME = "session.timeout";

    private final DSLContext dsl;
    private final Clock clock;
    private final GlobalConfigs configs;
    private final LoginThrottle throttle;
    private final SessionTokens sessions;

    public Accounts(DSLContext dsl, Clock clock, GlobalConfigs configs, LoginThrottle throttle) {
        this.dsl = dsl;
        this.clock = clock;
        this.configs = configs;
        this.throttle = throttle;
        this.sessions = new SessionTokens(dsl, clock);
        configs.define(GlobalConfigDefinition.positiveInt(SESSION_TIMEOUT_CATEGORY, SESSION_TIMEOUT_NAME, 7200,
                "seconds a session lives after LogInByAccount"));
    }

    /**
     * Makes sure the admin account exists. With a password given, the admin's password becomes that one;
     * without, a first start generates one and writes it to {@code passwordFile}.
     */
    public void ensureAdmin(String givenPassword, Path passwordFile) {
        Record admin = dsl.select(UUID, PASSWORD_HASH).from(ACCOUNT).where(NAME.eq(ADMIN)).fetchOne();
        if (admin != null) {
            if (givenPassword == null) {
                upgradeFromPasswordFile(admin.get(PASSWORD_HASH), passwordFile);
            } else {
                dsl.update(ACCOUNT).set(PASSWORD_HASH, ClientPasswordDigest.hashForStorage(givenPassword)).set(LAST_OP_DATE, clock.utcNow())
                        .where(NAME.eq(ADMIN)).execute();
            }
            return;
        }
        String password = givenPassword != null ? givenPassword : PasswordHasher.randomPassword();
        LocalDateTime now = clock.utcNow();
        dsl.insertInto(ACCOUNT).columns(UUID, NAME, PASSWORD_HASH, ACCOUNT_TYPE, CREATE_DATE, LAST_OP_DATE)
                .values(Uuid.random(), ADMIN, ClientPasswordDigest.hashForStorage(password), "SystemAdmin", now, now)
                .execute();
        if (givenPassword == null) {
            writeSecret(passwordFile, password);
            LOG.info("created account admin; its password is in {}", passwordFile);
        }
    }

    /**
     * An admin hash from before the digest form, on a node started without a password: the generated password is
     * still in its file, so the hash is upgraded now and ZStack's clients can log in from the first start.
     */
    private void upgradeFromPasswordFile(String stored, Path passwordFile) {
        if (!ClientPasswordDigest.isLegacy(stored) || !Files.isReadable(passwordFile)) {
            return;
        }
        try {
            String password = Files.readString(passwordFile).strip();
            if (PasswordHasher.matches(password, stored)) {
                dsl.update(ACCOUNT).set(PASSWORD_HASH, ClientPasswordDigest.hashForStorage(password)).where(NAME.eq(ADMIN)).execute();
                LOG.info("admin password hash upgraded to the SHA-512 digest form ZStack's clients log in with");
            }
        } catch (IOException e) {
            LOG.warn("cannot read {} to upgrade the admin password hash: {}", passwordFile, e.getMessage());
        }
    }

    private static void writeSecret(Path file, String secret) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".admin-password", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, secret + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the admin password to " + file + ": " + e.getMessage(), e);
        }
    }

    public Map<String, Object> logIn(String accountName, String password, String clientAddress) {
        LoginThrottle.Attempt attempt = throttle.begin(accountName, clientAddress);
        Record account = dsl.select(UUID, PASSWORD_HASH).from(ACCOUNT).where(NAME.eq(accountName)).fetchOne();
        // an unknown account is checked against a dummy hash: same cost, so timing does not reveal which names exist
        boolean matches = ClientPasswordDigest.matches(password,
                account == null ? PasswordHasher.UNKNOWN_ACCOUNT_HASH : account.get(PASSWORD_HASH));
        if (account == null || !matches) {
            attempt.failed();
            // one message for both cases, so the reply does not reveal which account names exist
            throw ApiException.notAuthenticated("wrong account name or password");
        }
        attempt.succeeded();
        if (ClientPasswordDigest.isLegacy(account.get(PASSWORD_HASH))) {
            // a hash from before ZStack's digest login: the typed password just matched, store its digest form
            dsl.update(ACCOUNT).set(PASSWORD_HASH, ClientPasswordDigest.hashForStorage(password))
                    .where(UUID.eq(account.get(UUID))).execute();
        }
        Instant now = clock.now();
        Instant expires = now.plusSeconds(configs.longValue(SESSION_TIMEOUT_CATEGORY, SESSION_TIMEOUT_NAME));
        String sessionUuid = sessions.open(account.get(UUID), expires);
        Map<String, Object> inventory = new LinkedHashMap<>();
        inventory.put("uuid", sessionUuid);
        inventory.put("accountUuid", account.get(UUID));
        inventory.put("userUuid", null);
        inventory.put("expiredDate", expires.toString());
        inventory.put("createDate", now.toString());
        return inventory;
    }

    /** Closes a session of the caller's own account; another account's session is refused. */
    public void logOut(CallerSession caller, String sessionUuid) {
        if (!sessions.close(sessionUuid, caller.accountUuid())) {
            throw ApiException.invalidArgument("session " + sessionUuid + " is not a session of account " + caller.accountName());
        }
    }

    @Override
    public CallerSession resolve(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw ApiException.notAuthenticated("no session: send 'Authorization: OAuth <session uuid>' (get one with LogInByAccount)");
        }
        String value = authorizationHeader.trim();
        if (!value.regionMatches(true, 0, "OAuth ", 0, 6)) {
            throw ApiException.notAuthenticated("the Authorization header must be 'OAuth <session uuid>'");
        }
        String sessionUuid = value.substring(6).trim();
        if (!Uuid.isValid(sessionUuid)) {
            throw ApiException.notAuthenticated("the session in the Authorization header is not a session uuid; log in again");
        }
        SessionTokens.Session session = sessions.find(sessionUuid).orElseThrow(() ->
                ApiException.notAuthenticated("session " + sessionUuid + " does not exist or was logged out; log in again"));
        if (!session.expiredDate().isAfter(clock.utcNow())) {
            sessions.forget(sessionUuid);
            throw ApiException.notAuthenticated("session " + sessionUuid + " expired at "
                    + session.expiredDate().toInstant(ZoneOffset.UTC) + "; log in again");
        }
        return new CallerSession(sessionUuid, session.accountUuid(), session.accountName());
    }

    /** The session table: tokens stored hashed, expired sessions purged. */
    public SessionTokens sessions() {
        return sessions;
    }

    /** Lets tags name accounts (resource type {@code AccountVO}). */
    public void registerResourceType(ResourceTypes resourceTypes) {
        resourceTypes.register("AccountVO", "account");
    }

    public void registerApis(ApiCatalogue catalogue) {
        catalogue.register(ApiDefinition.of("LogInByAccount", "Open a session with an account's name and password",
                call -> Replies.inventory(logIn(call.string("accountName"), call.string("password"), call.clientAddress())),
                ApiParam.required("accountName", ParamType.STRING, "the account's name, e.g. admin").withRange(1, 255),
                ApiParam.required("password", ParamType.STRING, "the account's password").withRange(1, 1024).secret())
                .unauthenticated());
        catalogue.register(ApiDefinition.of("LogOut", "Close a session",
                call -> {
                    logOut(call.session(), call.optString("sessionUuid").orElse(call.session().sessionUuid()));
                    return Replies.success();
                },
                ApiParam.optional("sessionUuid", ParamType.UUID, "the session to close; default the caller's")));
    }
}
