package io.vrouter.server.events;

/**
 * One thing that happened, as the console receives it.
 *
 * @param id           increasing within a node's run; a browser that reconnects sees where it left off
 * @param at           epoch milliseconds when the node saw it (the console measures its lag against this)
 * @param kind         a resource's status changed, an API call changed something, or failed
 * @param resourceType {@code VirtualRouterVm} or {@code Host} for a status; the API's name for the other kinds
 * @param uuid         the resource whose status changed, or null
 * @param status       the new status ({@code Connected}, {@code Disconnected}, ...), or the error code of a failure
 * @param detail       the failure's text, or null
 */
public record LiveEvent(long id, long at, Kind kind, String resourceType, String uuid, String status, String detail) {
    /** What an event tells. */
    public enum Kind {
        /** a host's or router's status changed; the console repaints it in place */
        STATUS,
        /** an API call that may change resources succeeded; the console reloads what it shows */
        CHANGED,
        /** an API call failed; the dashboard lists the last ones */
        ERROR
    }
}
