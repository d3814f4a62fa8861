package io.vrouter.server.hypervisor.netns;

import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.vrouter.ApplianceAgents;

/**
 * The agents of Netns routers: real processes in the routers' namespaces on their hosts, reached on their
 * management nic (the datacenter routes the management L3 to the node; on a one-host installation the host holds its
 * gateway), deployed by the router's host agent.
 */
public final class NetnsRouterAgents implements ApplianceAgents {
    private final NetnsHypervisor hypervisor;

    public NetnsRouterAgents(NetnsHypervisor hypervisor) {
        this.hypervisor = hypervisor;
    }

    @Override
    public String agentUrl(VmSpec router) {
        return hypervisor.agentUrl(router);
    }

    @Override
    public void deployAgent(VmSpec router) {
        hypervisor.deployAgent(router);
    }

    @Override
    public void renewCertificateIfDue(VmSpec router, io.vrouter.agent.protocol.AgentClient agent) {
        hypervisor.renewCertificateIfDue(router, agent);
    }
}
