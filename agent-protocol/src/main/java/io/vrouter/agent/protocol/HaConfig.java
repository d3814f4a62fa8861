package io.vrouter.agent.protocol;

import java.util.List;

/**
 * Body of {@code /configureha}: makes the router one of a VRRP pair (keepalived in unicast to its peer, conntrackd
 * keeping the connection tables in step), or a plain router again when {@code enabled} is false.
 *
 * <p>The floating addresses (the guest gateway, the public SNAT address) and every VIP of the agent's state are held
 * by whichever router of the pair is master; the router's own nic addresses stay on both.
 *
 * @param virtualRouterId      VRRP's router id, 1-255, the same on both routers of the pair
 * @param vrrpNicMac           the nic VRRP speaks on (the guest nic: losing it is losing the guests)
 * @param peerAddress          the peer router's address on that nic (unicast adverts go there); null while the
 *                             router has no peer (it serves alone, as master)
 * @param advertIntervalMillis VRRP advert interval; the backup takes over after about 3 of them are missed
 * @param floatingAddresses    what moves with the master, besides the VIPs
 * @param monitorIps           addresses the master must reach (any one of them) to stay master; empty: none
 * @param syncNicMac           the nic conntrackd syncs over (the management nic)
 * @param syncPeerAddress      the peer router's address on that nic; null: no conntrack sync (no peer)
 * @param standDown            the management node's verdict in a split brain: this router must not be master
 */
public record HaConfig(boolean enabled, int virtualRouterId, String vrrpNicMac, String peerAddress,
        int advertIntervalMillis, List<FloatingAddress> floatingAddresses, List<String> monitorIps, String syncNicMac,
        String syncPeerAddress, boolean standDown) {

    /** Not one of a pair. */
    public static final HaConfig DISABLED = new HaConfig(false, 0, null, null, 0, List.of(), List.of(), null, null, false);

    /** An address that moves with the master: {@code ip/prefixLength} on the nic with {@code nicMac}. */
    public record FloatingAddress(String ip, int prefixLength, String nicMac) {
    }

    public HaConfig withStandDown(boolean value) {
        return new HaConfig(enabled, virtualRouterId, vrrpNicMac, peerAddress, advertIntervalMillis, floatingAddresses,
                monitorIps, syncNicMac, syncPeerAddress, value);
    }
}
