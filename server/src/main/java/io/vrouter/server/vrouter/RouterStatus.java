package io.vrouter.server.vrouter;

/** A router's connection to its agent, the management node's to track. Stored and shown as the constant's name, as ZStack spells it. */
public enum RouterStatus {
    Connecting, Connected, Disconnected
}
