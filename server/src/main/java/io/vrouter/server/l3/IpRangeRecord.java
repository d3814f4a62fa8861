package io.vrouter.server.l3;

/**
 * An IP range of an L3 network as other packages need it. All ranges of one L3 share netmask, gateway and
 * networkCidr.
 *
 * @param networkCidr the subnet, e.g. {@code 10.0.0.0/24}
 */
public record IpRangeRecord(String uuid, String l3NetworkUuid, String name, String startIp, String endIp, String netmask,
                            String gateway, String networkCidr) {
}
