package io.vrouter.server.api;

import io.vrouter.api.ApiError;
import io.vrouter.api.ErrorCode;

/**
 * A failure the caller should see as {@code {"error":{code,description,details}}}. Thrown by validation and
 * handlers; the dispatcher turns it into the reply, with the HTTP status of its code.
 */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final String description;

    public ApiException(ErrorCode code, String description, String details) {
        super(details);
        this.code = code;
        this.description = description;
    }

    public ApiException(ErrorCode code, String description, String details, Throwable cause) {
        super(details, cause);
        this.code = code;
        this.description = description;
    }

    public static ApiException invalidArgument(String details) {
        return new ApiException(ErrorCode.INVALID_ARGUMENT, "invalid argument", details);
    }

    public static ApiException notFound(String resourceType, String uuid) {
        return new ApiException(ErrorCode.RESOURCE_NOT_FOUND, "resource not found",
                "no " + resourceType + " with uuid " + uuid);
    }

    public static ApiException operationFailed(String details) {
        return new ApiException(ErrorCode.OPERATION_FAILED, "operation failed", details);
    }

    public static ApiException conflict(String details) {
        return new ApiException(ErrorCode.CONFLICT, "conflict with the current state", details);
    }

    public static ApiException notAuthenticated(String details) {
        return new ApiException(ErrorCode.NOT_AUTHENTICATED, "not authenticated", details);
    }

    public ErrorCode code() {
        return code;
    }

    public ApiError toError() {
        return new ApiError(code.code(), description, getMessage());
    }
}
