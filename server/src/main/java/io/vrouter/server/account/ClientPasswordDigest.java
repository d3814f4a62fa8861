package io.vrouter.server.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * ZStack's clients (zstack-cli, the SDKs) never send what the user typed: they send its hex SHA-512. So the stored
 * hash is taken over that digest ({@code sha512:} + a {@link PasswordHasher} hash), and a login may give either form:
 * a value of 128 hex digits is first taken as the digest and, failing that, as a typed password (someone's password
 * could be 128 hex digits); anything else is a typed password and is digested first. Our CLI and {@code /v1/api}
 * thus keep taking what the user types.
 *
 * <p>Hashes written before this existed ({@code pbkdf2$...} over the typed password) still verify a typed password
 * and are upgraded on that login; until then a ZStack client's digest cannot be checked against them.
 */
final class ClientPasswordDigest {
    private static final String PREFIX = "sha512:";

    private ClientPasswordDigest() {
    }

    /** The stored form of a password the user typed. */
    static String hashForStorage(String typed) {
        return PREFIX + PasswordHasher.hash(sha512Hex(typed));
    }

    /** True when the stored hash predates the digest form and should be rewritten on a successful login. */
    static boolean isLegacy(String stored) {
        return !stored.startsWith(PREFIX);
    }

    static boolean matches(String given, String stored) {
        if (isLegacy(stored)) {
            return PasswordHasher.matches(given, stored);
        }
        String hash = stored.substring(PREFIX.length());
        for (String digest : candidates(given)) {
            if (PasswordHasher.matches(digest, hash)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> candidates(String given) {
        String typedDigest = sha512Hex(given);
        return isHexSha512(given) ? List.of(given.toLowerCase(java.util.Locale.ROOT), typedDigest) : List.of(typedDigest);
    }

    static boolean isHexSha512(String value) {
        return value.length() == 128 && value.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    static String sha512Hex(String typed) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(typed.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this JVM", e);
        }
    }
}
