package io.vrouter.server.vrouter;

/**
 * A router's role in its VRRP pair as its agent reports it (ZStack's {@code haStatus} of a virtual router VM):
 * {@code NoHa} for a plain router; {@code Unknown} while the node has not heard from the agent since it connected.
 */
public enum HaStatus {
    NoHa, Master, Backup, Fault, Unknown;

    /** The agent's word, or Unknown for anything the node does not know. */
    static HaStatus of(String reported) {
        if (reported == null) {
            return Unknown;
        }
        for (HaStatus s : values()) {
            if (s.name().equals(reported)) {
                return s;
            }
        }
        return Unknown;
    }
}
