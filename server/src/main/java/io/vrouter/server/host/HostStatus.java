package io.vrouter.server.host;

/** A host's status, its connector's to report: only Connected hosts receive VMs. Stored and shown as the constant's name, as ZStack spells it. */
public enum HostStatus {
    Connected, Disconnected
}
