package io.vrouter.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * The management node's answer to one call: the HTTP status and the body as received. The body is parsed only when
 * asked for (once), so a benchmark's timing covers the call and not the client's JSON parsing.
 */
public final class ApiReply {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final int status;
    private final String raw;
    private JsonNode parsed;
    private boolean notJson;

    public ApiReply(int status, String raw) {
        this.status = status;
        this.raw = raw;
    }

    public int status() {
        return status;
    }

    /** The body as received. */
    public String raw() {
        return raw;
    }

    /**
     * The body as JSON: a JSON null for an empty body.
     *
     * @throws IllegalStateException when the body is not JSON; the message holds the status and the body
     */
    public JsonNode body() {
        JsonNode tree = tree();
        if (tree == null) {
            throw new IllegalStateException("the node replied with HTTP " + status + " and a body that is not JSON: " + raw);
        }
        return tree;
    }

    /** The body when it is a JSON object (the envelope every API replies with), else null. */
    public JsonNode json() {
        JsonNode tree = tree();
        return tree != null && tree.isObject() ? tree : null;
    }

    /** The parsed body, or null when it is not JSON; parsed once. */
    private synchronized JsonNode tree() {
        if (parsed == null && !notJson) {
            try {
                parsed = raw.isEmpty() ? NullNode.getInstance() : MAPPER.readTree(raw);
            } catch (JsonProcessingException e) {
                notJson = true;
            }
        }
        return parsed;
    }

    /** HTTP 200. */
    public boolean ok() {
        return status == 200;
    }

    /** A reply fails when the status says so or, defensively, when a 200 still carries an error envelope. */
    public boolean failed() {
        JsonNode json = json();
        return status >= 300 || json == null || json.has("error");
    }

    public boolean unauthorized() {
        return status == 401;
    }

    public JsonNode inventory() {
        return body().get("inventory");
    }

    public JsonNode inventories() {
        return body().get("inventories");
    }

    /** The error envelope's code, such as {@code SYS.1007}, or null. */
    public String errorCode() {
        return json() == null ? null : json().path("error").path("code").asText(null);
    }

    public String errorDetails() {
        return json() == null ? null : json().path("error").path("details").asText(null);
    }

    @Override
    public String toString() {
        return "HTTP " + status + " " + raw;
    }
}
