package io.vrouter.server.offering;

/** An instance offering's state: a Disabled offering makes no new VM. Stored and shown as the constant's name, as ZStack spells it. */
public enum OfferingState {
    Enabled, Disabled
}
