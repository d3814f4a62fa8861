package io.vrouter.server.zstack;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * What a ZStack user's tool does, whichever protocol it speaks: log in with the SHA-512 of the password, call an API
 * by its name, query with zstack-cli's condition words, log out. The tests' two implementations are written from
 * reference §8 alone, not from the node's code: {@link RpcClient} (zstack-cli, apibinding) and {@link RestV1Client}
 * (the SDKs).
 */
interface ZStackClient {
    /** An API's failure as the client reports it. */
    final class ZStackError extends RuntimeException {
        final String code;
        final String description;
        final String details;

        ZStackError(String code, String description, String details) {
            super(code + " " + description + ": " + details);
            this.code = code;
            this.description = description;
            this.details = details;
        }
    }

    void logIn(String accountName, String typedPassword);

    /** The reply's fields (inventory, inventories, total ...); throws {@link ZStackError}. */
    JsonNode call(String api, Map<String, ?> params);

    /** A query with zstack-cli's words ({@code name=z1}, {@code vmNics.mac=...}, {@code state?=A,B}) and reserved keys. */
    JsonNode query(String api, List<String> conditions, Map<String, String> reserved);

    void logOut();

    String session();

    void useSession(String session);

    static String sha512(String typed) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-512")
                    .digest(typed.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
