package io.vrouter.server.host;

/**
 * A check a host must pass before it is recorded Connected again (by ReconnectHost, or by whatever notices it answers):
 * e.g. destroying what it still holds of VMs that were re-created elsewhere while it was dead. Throwing keeps the
 * host Disconnected.
 */
@FunctionalInterface
public interface HostConnectGate {
    void beforeConnected(HostRecord host);
}
