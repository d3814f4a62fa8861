package io.vrouter.server.l3;

/**
 * An address handed out on an L3 network: a row of {@code used_ip}.
 *
 * @param uuid          the used-ip record, to release it
 * @param ipRangeUuid   the range it came from
 * @param l3NetworkUuid the L3 it belongs to
 */
public record AllocatedIp(String uuid, String ipRangeUuid, String l3NetworkUuid, String ip, String netmask, String gateway) {
}
