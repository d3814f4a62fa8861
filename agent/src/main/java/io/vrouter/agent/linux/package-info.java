/** The real dataplane: nics and addresses with iproute2, NAT and firewall with nftables, DHCP/DNS with dnsmasq, conntrack cleanup. */
package io.vrouter.agent.linux;
