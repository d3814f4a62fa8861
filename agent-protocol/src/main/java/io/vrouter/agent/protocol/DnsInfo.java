package io.vrouter.agent.protocol;

/** One upstream resolver of the virtual router's DNS forwarder; order of a list is the query order. */
public record DnsInfo(String dnsAddress, String nicMac) {
}
