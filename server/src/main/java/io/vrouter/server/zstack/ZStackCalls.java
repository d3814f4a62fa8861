package io.vrouter.server.zstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrouter.api.ApiError;
import io.vrouter.api.ErrorCode;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiDispatcher;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.http.InternalErrors;

import java.util.List;
import java.util.Set;

/**
 * What both ZStack protocols do between their wire and the dispatcher: drop the fields every ZStack message may
 * carry that a catalogue API does not take, authenticate and validate (nothing runs before both pass), and turn
 * any failure into ZStack's {@code {code, description, details}}.
 */
public final class ZStackCalls {
    /**
     * Fields of ZStack's message base classes, sent by some clients and meaningless here: message ids, timeouts,
     * the 5.x login's client info, the delete mode (deletes here are always checked, as Permissive asks).
     */
    private static final Set<String> IGNORED = Set.of("id", "serviceId", "timeout", "headers", "creatingAccountUuid",
            "clientInfo", "requestIp", "deleteMode", "sessionId");
    /** Fields of every ZStack API message: accepted when empty, refused by name when an API cannot honour them. */
    private static final List<String> OPTIONAL_EVERYWHERE = List.of("systemTags", "userTags", "resourceUuid", "tagUuids");

    private final ApiDispatcher dispatcher;
    private final ApiCatalogue catalogue;

    public ZStackCalls(ApiDispatcher dispatcher, ApiCatalogue catalogue) {
        this.dispatcher = dispatcher;
        this.catalogue = catalogue;
    }

    /** Authenticates and validates; throws {@link ApiException} before anything is written. */
    public ApiDispatcher.PreparedCall prepare(ZStackApi api, ObjectNode params, String sessionUuid, String clientAddress) {
        ApiDefinition definition = catalogue.find(api.apiName()).orElseThrow();
        for (String name : IGNORED) {
            if (definition.param(name).isEmpty()) {
                params.remove(name);
            }
        }
        for (String name : OPTIONAL_EVERYWHERE) {
            JsonNode value = params.get(name);
            if (value == null || definition.param(name).isPresent()) {
                continue;
            }
            if (value.isNull() || (value.isArray() || value.isObject()) && value.isEmpty()) {
                params.remove(name);
            } else {
                throw ApiException.invalidArgument(api.apiName() + " does not take " + name + " here (got " + value + ")");
            }
        }
        return dispatcher.prepare(api.apiName(), params, sessionUuid == null ? null : "OAuth " + sessionUuid, clientAddress);
    }

    public Object run(ApiDispatcher.PreparedCall call) {
        return dispatcher.run(call);
    }

    /**
     * ZStack's error for a failure; a bug is logged once under an incident id and reported as SYS.1000 with only that
     * id (never the exception's class or text: they may quote SQL and values).
     */
    public static ApiError error(Throwable failure, String apiName) {
        if (failure instanceof ApiException e) {
            ApiError error = e.toError();
            if (e.code() == ErrorCode.NOT_AUTHENTICATED && !"LogInByAccount".equals(apiName)) {
                // HEAD's clients recognise a dead session by this description and log in again
                return new ApiError(error.code(), "Session expired", error.details());
            }
            return error;
        }
        return InternalErrors.report("ZStack", String.valueOf(apiName), failure).error();
    }

    /** The HTTP status a failure carries where status means something: 4xx for the caller's mistakes. */
    public static int status(Throwable failure) {
        return failure instanceof ApiException e ? e.code().httpStatus() : 500;
    }
}
