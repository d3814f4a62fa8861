package io.vrouter.cli.remote;

/**
 * The management node could not be reached at all (refused, unknown host, timeout): a usage problem of the CLI's
 * environment rather than an API error, so the CLI exits with 2. The message names the URL.
 */
public final class ServerUnreachableException extends Exception {
    public ServerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
