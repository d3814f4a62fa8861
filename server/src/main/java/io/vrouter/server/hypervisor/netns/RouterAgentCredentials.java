package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
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
    private final CertificateAuthority authority;

    /** @param authority the installation's; null where no router is ever deployed (clean-up, network-only tests) */
    RouterAgentCredentials(CertificateAuthority authority) {
        this.authority = authority;
    }

    TlsIdentity issue(VmSpec router, NicSpec management) {
        if (authority == null) {
            throw new HypervisorException("cannot deploy the agent of router " + router.name() + " (" + router.uuid()
                    + "): this netns backend was given no certificate authority");
        }
        return authority.issue(PeerRole.AGENT, router.uuid(), List.of(management.ip()));
    }
}
