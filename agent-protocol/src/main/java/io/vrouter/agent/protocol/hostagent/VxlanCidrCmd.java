package io.vrouter.agent.protocol.hostagent;

/**
 * {@code /network/vxlan/checkcidr} (ZStack's KVM agent has the same): which of the host's addresses is inside a VXLAN
 * pool's VTEP cidr. The answer is {@link VxlanCidrReply}; a host with no address inside it fails the call, naming
 * its addresses.
 */
public record VxlanCidrCmd(String cidr) {
}
