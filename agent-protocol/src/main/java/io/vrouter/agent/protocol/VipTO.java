package io.vrouter.agent.protocol;

/** A virtual IP: an extra address on the public nic whose MAC is {@code ownerEthernetMac}. */
public record VipTO(String ip, String netmask, String gateway, String ownerEthernetMac, String vipUuid) {
}
