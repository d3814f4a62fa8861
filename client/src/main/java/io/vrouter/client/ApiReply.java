package io.vrouter.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server's answer to one call.
 *
 * @param status HTTP status
 * @param json   the parsed body, or null when it was not JSON
 * @param raw    the body as received
 */
public record ApiReply(int status, JsonNode json, String raw) {

    /** A reply fails when the status says so or, defensively, when a 200 still carries an error envelope. */
    public boolean failed() {
        return status >= 300 || json == null || json.has("error");
    }

    public boolean unauthorized() {
        return status == 401;
    }
}
