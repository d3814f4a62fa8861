package io.vrouter.agent.protocol;

/** An elastic IP: 1:1 NAT between {@code vipIp} and {@code guestIp}. */
public record EipTO(String vipIp, String privateMac, String publicMac, String guestIp, boolean snatInboundTraffic) {
}
