package io.vrouter.agent.dnsmasq;

/** A guest nic dnsmasq serves DHCP and DNS on. */
public record ServedNic(String ifname, String ip, String netmask) {
}
