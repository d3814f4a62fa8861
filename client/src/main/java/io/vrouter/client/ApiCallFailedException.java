package io.vrouter.client;

/** An API a caller insisted on ({@link ApiClient#ok}) answered with an error; the message holds the API, its parameters and the reply. */
public final class ApiCallFailedException extends RuntimeException {
    private final ApiReply reply;

    public ApiCallFailedException(String api, Object params, ApiReply reply) {
        super(api + " " + params + " failed with HTTP " + reply.status() + ": " + reply.raw());
        this.reply = reply;
    }

    public ApiReply reply() {
        return reply;
    }
}
