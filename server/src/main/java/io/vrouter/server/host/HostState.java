package io.vrouter.server.host;

/** A host's state, the user's to set: only Enabled hosts receive VMs. Stored and shown as the constant's name, as ZStack spells it. */
public enum HostState {
    Enabled, Disabled, Maintenance
}
