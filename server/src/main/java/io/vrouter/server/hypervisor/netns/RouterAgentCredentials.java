package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
import io.vrouter.server.agentcert.AgentCertificates;
import io.vrouter.server.hypervisor.HypervisorException;
import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;

import java.util.List;

/**
 * What a Netns router's agent gets at deploy time besides its secret: a fresh key and certificate of the
 * installation's authority naming the router and its management address. {@link RouterAgentDeployment} writes them
 * next to the agent with the authority's certificate and the only address its port answers (the host's address on
 * the management L3, its gateway: where the management node's calls come from).
 */
final class RouterAgentCredentials {
    private final AgentCertificates certificates;

    /** @param certificates the installation's; null where no router is ever deployed (clean-up, network-only tests) */
    RouterAgentCredentials(AgentCertificates certificates) {
        this.certificates = certificates;
    }

    /** A certificate for the router's agent on the host it is placed on, recorded so that {@link #revoke} can withdraw it. */
    TlsIdentity issue(VmSpec router, NicSpec management) {
        if (certificates == null) {
            throw new HypervisorException("cannot deploy the agent of router " + router.name() + " (" + router.uuid()
                    + "): this netns backend was given no certificate authority");
        }
        return certificates.issue(AgentCertificates.routerHolder(router.uuid(), router.hostUuid()), PeerRole.AGENT,
                router.uuid(), List.of(management.ip()));
    }

    /**
     * The router's copy on its host is destroyed: every certificate it was given there is revoked (a copy of the
     * same router placed on another host holds its own).
     */
    void revoke(VmSpec router) {
        if (certificates != null) {
            certificates.revoke(AgentCertificates.routerHolder(router.uuid(), router.hostUuid()));
        }
    }
}
