package io.vrouter.agent.process;

import io.vrouter.agent.dataplane.DataplaneException;

/** A system command exited non-zero, timed out or could not start; the message holds its command line and stderr. */
public class CommandFailedException extends DataplaneException {

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
