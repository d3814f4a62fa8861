package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/**
 * A VM as its host needs it.
 *
 * @param appliance   a virtual router (runs the router agent) rather than a user VM (runs a DHCP client per nic)
 * @param agentSecret           the router agent's secret (appliances only)
 * @param agentTls              the router agent's TLS identity (appliances, on start and deploy; null otherwise)
 * @param managementNodeAddress the only address the router agent's port answers: where the node's calls come from
 */
public record VmTO(String uuid, String name, boolean appliance, List<NicTO> nics, String agentSecret, AgentTlsTO agentTls,
                   String managementNodeAddress) {
    public VmTO {
        nics = List.copyOf(nics);
    }

    /** A VM without a router agent's identity (a user VM, or a router being stopped or destroyed). */
    public VmTO(String uuid, String name, boolean appliance, List<NicTO> nics, String agentSecret) {
        this(uuid, name, appliance, nics, agentSecret, null, null);
    }
}
