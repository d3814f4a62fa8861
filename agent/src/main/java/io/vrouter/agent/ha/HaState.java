package io.vrouter.agent.ha;

/** A router's role in its pair, as keepalived sees it; {@code NoHa} for a plain router. */
public enum HaState {
    NoHa, Master, Backup, Fault
}
