package io.vrouter.server.zone;

/** A zone's state. Stored and shown as the constant's name, as ZStack spells it. */
public enum ZoneState {
    Enabled, Disabled
}
