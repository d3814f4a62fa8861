package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/**
 * A VM as its host needs it.
 *
 * @param appliance   a virtual router (runs the router agent) rather than a user VM (runs a DHCP client per nic)
 * @param agentSecret the router agent's secret (appliances only)
 */
public record VmTO(String uuid, String name, boolean appliance, List<NicTO> nics, String agentSecret) {
    public VmTO {
        nics = List.copyOf(nics);
    }
}
