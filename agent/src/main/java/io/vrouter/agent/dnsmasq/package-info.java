/** DHCP and DNS forwarding through one supervised dnsmasq per agent, driven by files in watched directories. */
package io.vrouter.agent.dnsmasq;
