package io.vrouter.agent.dataplane;

/** The dataplane could not apply a change; the previous kernel state is still in place. */
public class DataplaneException extends RuntimeException {

    public DataplaneException(String message) {
        super(message);
    }

    public DataplaneException(String message, Throwable cause) {
        super(message, cause);
    }
}
