package io.vrouter.agent.protocol.hostagent;

/** The host's VTEP address in the asked cidr (the lowest of its addresses there). */
public record VxlanCidrReply(boolean success, String error, String vtepIp) {
}
