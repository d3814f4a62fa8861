package io.vrouter.client;

/**
 * The management node could not be reached at all (refused, unknown host, timeout): a problem of the caller's
 * environment rather than an API error (the CLI exits with 2). The message names the URL.
 */
public final class ServerUnreachableException extends RuntimeException {
    public ServerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
