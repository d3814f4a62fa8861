package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
import io.vrouter.server.hypervisor.HypervisorException;
import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;

import java.nio.file.Path;
import java.util.List;

/**
 * What a Netns router's agent gets at deploy time besides its secret: a fresh key and certificate of the
 * installation's authority naming the router and its management address, the authority's certificate, and the only
 * address its port answers (the host's address on the management L3, its gateway: where the management node's calls
 * come from). Written into the router's directory, each file created 0600.
 */
final class RouterAgentCredentials {
    static final String DIRECTORY = "agent-tls";

    private final CertificateAuthority authority;

    /** @param authority the installation's; null where no router is ever deployed (clean-up, network-only tests) */
    RouterAgentCredentials(CertificateAuthority authority) {
        this.authority = authority;
    }

    /**
     * Issues and writes the router's identity under {@code routerDir}; returns the agent config fields that point at
     * it, as JSON members to append to the config object ({@code ,"tls":{...},"managementNodeAddresses":[...]}).
     */
    String write(VmSpec router, NicSpec management, Path routerDir) {
        if (authority == null) {
            throw new HypervisorException("cannot deploy the agent of router " + router.name() + " (" + router.uuid()
                    + "): this netns backend was given no certificate authority");
        }
        Path dir = routerDir.resolve(DIRECTORY);
        authority.issue(PeerRole.AGENT, router.uuid(), List.of(management.ip())).writeTo(dir);
        return ",\"tls\":{\"key\":\"" + dir.resolve(TlsIdentity.KEY_FILE) + "\",\"certificate\":\""
                + dir.resolve(TlsIdentity.CERTIFICATE_FILE) + "\",\"authority\":\"" + dir.resolve(TlsIdentity.AUTHORITY_FILE)
                + "\"},\"managementNodeAddresses\":[\"" + management.gateway() + "\"]";
    }
}
