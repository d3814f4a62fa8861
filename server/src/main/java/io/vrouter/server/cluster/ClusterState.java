package io.vrouter.server.cluster;

/** A cluster's state: only an Enabled cluster's hosts receive VMs. Stored and shown as the constant's name, as ZStack spells it. */
public enum ClusterState {
    Enabled, Disabled
}
