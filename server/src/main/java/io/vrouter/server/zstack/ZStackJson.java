package io.vrouter.server.zstack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vrouter.api.ApiError;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * JSON as ZStack's Gson writes it, for ZStack's endpoints only: null fields are left out (the 0.6 client's decoder
 * raises on any JSON null) and dates read {@code Dec 2, 2015 5:54:12 PM} in the server's time zone. Replies are
 * built by the catalogue's handlers in the node's own form (ISO instants); this class rewrites a reply tree
 * once, on its way out: a field whose name ends in {@code Date} holding an ISO instant becomes ZStack's form.
 */
public final class ZStackJson {
    /** Gson's default date format ({@code DateFormat.DEFAULT} in English): {@code MMM d, yyyy h:mm:ss a}. */
    private static final DateTimeFormatter ZSTACK_DATE = DateTimeFormatter.ofPattern("MMM d, yyyy h:mm:ss a", Locale.ENGLISH);

    private final ObjectMapper json;
    private final ZoneId zone;

    public ZStackJson(ObjectMapper json, ZoneId zone) {
        this.json = json;
        this.zone = zone;
    }

    public ObjectMapper mapper() {
        return json;
    }

    public String date(Instant instant) {
        return ZSTACK_DATE.format(instant.atZone(zone));
    }

    /** A reply object as ZStack shapes it: no nulls, ZStack's dates. */
    public JsonNode shape(Object reply) {
        JsonNode tree = reply instanceof JsonNode node ? node.deepCopy() : json.valueToTree(reply);
        return rewrite(tree);
    }

    /** {@code {code, description, details}} with absent parts left out. */
    public ObjectNode error(ApiError error) {
        return (ObjectNode) shape(error);
    }

    public String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialise", e);
        }
    }

    private JsonNode rewrite(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                if (value == null || value.isNull()) {
                    it.remove();
                } else if (value.isTextual() && field.getKey().endsWith("Date")) {
                    field.setValue(dateText(value.asText()));
                } else {
                    field.setValue(rewrite(value));
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = array.size() - 1; i >= 0; i--) {
                if (array.get(i).isNull()) {
                    array.remove(i);
                } else {
                    array.set(i, rewrite(array.get(i)));
                }
            }
        }
        return node;
    }

    private JsonNode dateText(String text) {
        try {
            return TextNode.valueOf(date(Instant.parse(text)));
        } catch (DateTimeParseException notAnInstant) {
            return TextNode.valueOf(text);
        }
    }
}
