package io.vrouter.server.l2;

/**
 * An L2 network as other packages need it.
 *
 * @param type {@code L2NoVlanNetwork}, {@code L2VlanNetwork}, {@code L2VxlanNetworkPool} or {@code L2VxlanNetwork}
 *             (whose VNI is in {@link L2Networks#vxlan()})
 * @param vlan the VLAN id of a VLAN network, null otherwise
 */
public record L2NetworkRecord(String uuid, String name, String zoneUuid, String physicalInterface, String type, Integer vlan) {
}
