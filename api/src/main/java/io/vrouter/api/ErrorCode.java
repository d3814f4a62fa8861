package io.vrouter.api;

/**
 * Error codes of the API, as ZStack names them, so that scripts written against ZStack's codes keep working.
 * Each code carries the HTTP status it is served with.
 */
public enum ErrorCode {
    /** The request was malformed or a parameter failed validation; nothing was written. */
    INVALID_ARGUMENT("SYS.1007", 400),
    /** The operation was valid but could not be carried out. */
    OPERATION_FAILED("SYS.1006", 500),
    /** No session, an expired session or wrong credentials. */
    NOT_AUTHENTICATED("ID.1001", 401),
    /** The named resource does not exist. */
    RESOURCE_NOT_FOUND("SYS.1003", 404),
    /** The request conflicts with the current state of a resource. */
    CONFLICT("SYS.1008", 409),
    /**
     * Too many failed attempts from this caller: wait and retry (the details say how long). Not a ZStack code:
     * ZStack does not throttle logins.
     */
    TOO_MANY_REQUESTS("SYS.1429", 429),
    /** Internal error: a bug, never a user's mistake. */
    INTERNAL_ERROR("SYS.1000", 500),
    /** The virtual router is not in a state that allows the operation. */
    VR_WRONG_STATE("VR.1000", 409),
    /**
     * The VM lacks its nics or its root volume (a creation that never finished): it cannot start. Not a ZStack code:
     * ZStack's VMs are never left so.
     */
    VM_INCOMPLETE("VM.1100", 409),
    /** The virtual router offering has no public network. */
    VR_OFFERING_NO_PUBLIC_NETWORK("VR.1001", 400),
    /** No default virtual router offering exists in the zone. */
    VR_NO_DEFAULT_OFFERING("VR.1002", 409);

    private final String code;
    private final int httpStatus;

    ErrorCode(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
