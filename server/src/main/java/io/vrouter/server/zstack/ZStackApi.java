package io.vrouter.server.zstack;

import java.util.List;

/**
 * How ZStack's clients name one API of the catalogue.
 *
 * @param apiName      the catalogue's name, e.g. {@code CreateZone}
 * @param messageClass the full class name the RPC envelope is keyed by, e.g. {@code org.zstack.header.zone.APICreateZoneMsg}
 * @param replyClass   the full class name the result is keyed by: an {@code ...Reply} for a synchronous message,
 *                     an {@code ...Event} for an asynchronous one
 * @param sync         answered at once by ZStack (queries, reads, login, logout): no job, no poll
 * @param restMethod   the REST v1 method: GET, POST, PUT or DELETE
 * @param restPaths    the REST v1 paths under {@code /v1}, the current SDK's first, with {@code {var}} segments
 *                     filled from the API's parameters
 */
public record ZStackApi(String apiName, String messageClass, String replyClass, boolean sync, String restMethod,
                        List<String> restPaths) {

    public ZStackApi {
        restPaths = List.copyOf(restPaths);
    }

    /** The message's class name without its package, e.g. {@code APICreateZoneMsg}. */
    public String simpleMessageClass() {
        return messageClass.substring(messageClass.lastIndexOf('.') + 1);
    }

    /** The key of a REST action's body: {@code PUT .../actions} with {@code {"reconnectVirtualRouter": {...}}}. */
    public String actionName() {
        return Character.toLowerCase(apiName.charAt(0)) + apiName.substring(1);
    }

    public boolean isQuery() {
        return apiName.startsWith("Query");
    }
}
