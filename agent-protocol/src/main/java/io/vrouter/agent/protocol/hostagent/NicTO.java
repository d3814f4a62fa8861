package io.vrouter.agent.protocol.hostagent;

/**
 * A VM's nic as its host plumbs it.
 *
 * @param ip,netmask   the address the management node allocated (an appliance is given it; a user VM leases it)
 * @param gateway      its L3's gateway
 * @param defaultRoute whether this nic's L3 is the VM's default L3
 */
public record NicTO(String uuid, int deviceId, String mac, L2TO l2, String ip, String netmask, String gateway,
                    boolean defaultRoute) {
}
