package io.vrouter.client;

/** The calling thread was interrupted (the shell's Ctrl-C) while a call was in flight; the request was abandoned. */
public final class CallCancelledException extends RuntimeException {
    public CallCancelledException(String apiName) {
        super(apiName + " cancelled; the server may still complete it");
    }
}
