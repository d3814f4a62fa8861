package io.vrouter.agent.core;

/** A command that is malformed or contradicts the agent's state; nothing of it was applied. */
public class InvalidCommandException extends RuntimeException {

    public InvalidCommandException(String message) {
        super(message);
    }
}
