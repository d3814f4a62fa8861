package io.vrouter.server.vip;

/**
 * A VIP as the virtual router provider needs it to put the address on the router's public nic.
 *
 * @param l3NetworkUuid the VIP's (public) L3
 * @param useFor        as the inventory shows it: {@code Eip}, {@code PortForwarding}, {@code SNAT}, or a
 *                      comma-joined mix of the last two; null when nothing uses it
 */
public record VipView(String uuid, String name, String ip, String netmask, String gateway, String l3NetworkUuid,
                      String state, String useFor) {
}
