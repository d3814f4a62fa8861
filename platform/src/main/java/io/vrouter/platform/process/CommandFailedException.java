package io.vrouter.platform.process;

/**
 * A system command exited non-zero, timed out or could not start; the message holds its command line and stderr.
 * The agent reports it as a failed dataplane change (nothing changed), the management node as a failed host action.
 */
public class CommandFailedException extends RuntimeException {

    private final CommandResult result;

    public CommandFailedException(String message, CommandResult result, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    /** The result, or null when the command never finished. */
    public CommandResult result() {
        return result;
    }
}
