package io.vrouter.server.hypervisor;

/**
 * A nic as a hypervisor needs it: which L2 it plugs into and the identity the guest sees.
 *
 * @param physicalInterface the L2's physical interface (a bridge or uplink name on the host)
 * @param vlan              the L2's VLAN id, or null for a no-VLAN L2
 * @param defaultRoute      whether this nic's L3 is the VM's default L3
 */
public record NicSpec(String uuid, String l3NetworkUuid, String l2NetworkUuid, String physicalInterface, Integer vlan,
                      String mac, String ip, String netmask, String gateway, int deviceId, boolean defaultRoute) {
}
