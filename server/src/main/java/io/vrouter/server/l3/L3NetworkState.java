package io.vrouter.server.l3;

/** An L3 network's state: a Disabled L3 takes no new VM. Stored and shown as the constant's name, as ZStack spells it. */
public enum L3NetworkState {
    Enabled, Disabled
}
