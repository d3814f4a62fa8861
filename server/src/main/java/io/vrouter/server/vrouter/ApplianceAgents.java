package io.vrouter.server.vrouter;

import io.vrouter.server.hypervisor.VmSpec;

/**
 * How the management node reaches the agent inside a virtual router, per hypervisor backend: where it listens,
 * and how a new agent gets in (Reconnect's upgrade step: copy the management node's agent, restart it).
 */
public interface ApplianceAgents {
    /** The base URL of the router's agent, e.g. {@code http://192.168.0.188:7272}. */
    String agentUrl(VmSpec router);

    /** Installs the management node's agent package in the router and restarts the agent. */
    void deployAgent(VmSpec router);
}
