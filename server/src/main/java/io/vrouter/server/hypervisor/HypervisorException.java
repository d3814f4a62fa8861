package io.vrouter.server.hypervisor;

/** A hypervisor operation failed; the message names the VM, the host and the cause. */
public final class HypervisorException extends RuntimeException {
    public HypervisorException(String message) {
        super(message);
    }

    public HypervisorException(String message, Throwable cause) {
        super(message, cause);
    }
}
