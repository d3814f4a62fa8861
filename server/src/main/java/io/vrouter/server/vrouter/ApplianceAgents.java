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

    /**
     * Gives the router's agent a new certificate when the one it presents is near its end (rotation without a
     * restart); nothing where the backend's agents have no certificate of their own (the Simulator's share one).
     */
    default void renewCertificateIfDue(VmSpec router, io.vrouter.agent.protocol.AgentClient agent) {
    }
}
