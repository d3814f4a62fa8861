package io.vrouter.cli.syntax;

/**
 * A command line the CLI cannot turn into an API call. The message is shown to the user as is, so it names the
 * offending word; the CLI exits with status 2 (usage error) and never contacts the server.
 */
public final class SyntaxException extends Exception {
    public SyntaxException(String message) {
        super(message);
    }
}
