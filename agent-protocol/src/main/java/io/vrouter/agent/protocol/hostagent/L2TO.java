package io.vrouter.agent.protocol.hostagent;

/**
 * An L2 network as a host realizes it: a bridge, over {@code physicalInterface} (no VLAN) or over
 * {@code physicalInterface.vlan}. {@code type} names the kind ({@code L2NoVlanNetwork}, {@code L2VlanNetwork}); a
 * kind the agent does not know yet (VXLAN) is refused with a clear error rather than realized as a bare bridge.
 */
public record L2TO(String uuid, String type, String physicalInterface, Integer vlan) {
    public static final String NO_VLAN = "L2NoVlanNetwork";
    public static final String VLAN = "L2VlanNetwork";
}
