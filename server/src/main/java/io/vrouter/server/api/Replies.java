package io.vrouter.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The reply bodies of ZStack's API. */
public final class Replies {
    private Replies() {
    }

    /** {@code {"inventory": ...}} */
    public record InventoryReply(Object inventory) {
    }

    /** {@code {"inventories": [...], "total": N}}; total is left out when it was not asked for. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InventoriesReply(List<?> inventories, Long total) {
    }

    /** A reply with no data: {@code {"success": true}}. */
    public record SuccessReply(boolean success) {
    }

    public static InventoryReply inventory(Object inventory) {
        return new InventoryReply(inventory);
    }

    public static SuccessReply success() {
        return new SuccessReply(true);
    }
}
