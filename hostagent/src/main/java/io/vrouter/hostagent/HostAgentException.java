package io.vrouter.hostagent;

/** Something the host agent could not do on its host; the message names the VM or link and what went wrong. */
public final class HostAgentException extends RuntimeException {
    public HostAgentException(String message) {
        super(message);
    }

    public HostAgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
