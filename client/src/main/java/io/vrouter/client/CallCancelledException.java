package io.vrouter.cli.remote;

/** The user pressed Ctrl-C while a call was in flight; the request was abandoned. */
public final class CallCancelledException extends Exception {
    public CallCancelledException(String apiName) {
        super(apiName + " cancelled; the server may still complete it");
    }
}
