package io.vrouter.agent.ha;

import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.agent.protocol.VipTO;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The files of a router's HA part, rendered from its {@link HaConfig} and VIPs: keepalived's configuration, its
 * track scripts, conntrackd's configuration. Pure text, so the tests read exactly what the daemons get.
 */
final class HaFiles {
    /** conntrackd's sync port (its documentation's default). */
    static final int CONNTRACKD_PORT = 3780;

    private final Path dir;

    HaFiles(Path dir) {
        this.dir = dir;
    }

    Path keepalivedConf() {
        return dir.resolve("keepalived.conf");
    }

    /**
     * conntrackd's control socket: a UNIX socket path holds at most 107 bytes, which a router's data directory can
     * exceed, so it lives under {@code /run} named by a hash of the directory (one per router on a host).
     */
    Path conntrackdSocket() {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(dir.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return Path.of("/run/vrouter-ha", java.util.HexFormat.of().formatHex(hash, 0, 8) + ".ctl");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Path conntrackdConf() {
        return dir.resolve("conntrackd.conf");
    }

    Path fifo() {
        return dir.resolve("notify.fifo");
    }

    /** 1 while the management node says stand down: keepalived's tracked file puts the instance in FAULT. */
    Path standDownFile() {
        return dir.resolve("stand-down");
    }

    Path monitorScript() {
        return dir.resolve("check-monitor.sh");
    }

    /**
     * VRRP in unicast to the peer, version 3 (adverts in centiseconds), both routers BACKUP with equal priority and
     * {@code nopreempt}: a router that comes back never takes the master role from one that serves. Every floating
     * address and VIP is a virtual address of the one instance, so they move together; gratuitous ARP at once on
     * takeover and repeated, so guests and the upstream switch learn the new MAC.
     */
    String keepalived(String routerName, HaConfig config, Collection<VipTO> vips, Function<String, String> ifnameOfMac,
            String ownVrrpAddress) {
        StringBuilder s = new StringBuilder();
        s.append("global_defs {\n")
                .append("    router_id ").append(safe(routerName)).append('\n')
                .append("    vrrp_version 3\n")
                .append("    script_user root\n")
                .append("    enable_script_security\n")
                .append("    notify_fifo ").append(fifo()).append('\n')
                .append("    vrrp_garp_master_delay 1\n")
                .append("    vrrp_garp_master_repeat 3\n")
                .append("}\n");
        s.append("track_file stand_down {\n    file ").append(standDownFile()).append("\n}\n");
        if (!config.monitorIps().isEmpty()) {
            s.append("vrrp_script monitor {\n    script \"").append(monitorScript()).append("\"\n")
                    .append("    interval 1\n    timeout 2\n    fall 3\n    rise 2\n}\n");
        }
        double advert = Math.max(10, config.advertIntervalMillis()) / 1000.0;
        s.append("vrrp_instance pair {\n")
                .append("    state BACKUP\n")
                .append("    nopreempt\n")
                .append("    interface ").append(ifnameOfMac.apply(config.vrrpNicMac())).append('\n')
                .append("    virtual_router_id ").append(config.virtualRouterId()).append('\n')
                .append("    priority 100\n")
                .append("    advert_int ").append(String.format(Locale.ROOT, "%.2f", advert)).append('\n')
                .append("    garp_master_delay 0\n")
                .append("    garp_master_repeat 3\n")
                .append("    unicast_src_ip ").append(ownVrrpAddress).append('\n')
                // no peer yet: an empty peer list keeps it unicast (nothing sent), and it becomes master alone
                .append("    unicast_peer {\n");
        if (config.peerAddress() != null) {
            s.append("        ").append(config.peerAddress()).append('\n');
        }
        s.append("    }\n")
                .append("    virtual_ipaddress {\n");
        // the adverts carry the first address only (the gateway): a router that has not learnt every VIP yet (just
        // restarted, mid-sync) must not reject its peer's adverts for a different address count and take over
        List<HaConfig.FloatingAddress> floating = config.floatingAddresses();
        if (!floating.isEmpty()) {
            s.append("        ").append(address(floating.get(0), ifnameOfMac)).append('\n');
        }
        s.append("    }\n    virtual_ipaddress_excluded {\n");
        for (HaConfig.FloatingAddress a : floating.subList(Math.min(1, floating.size()), floating.size())) {
            s.append("        ").append(address(a, ifnameOfMac)).append('\n');
        }
        for (VipTO vip : vips) {
            s.append("        ").append(vip.ip()).append("/32 dev ").append(ifnameOfMac.apply(vip.ownerEthernetMac()))
                    .append('\n');
        }
        s.append("    }\n")
                .append("    track_file {\n        stand_down weight 0\n    }\n");
        if (!config.monitorIps().isEmpty()) {
            s.append("    track_script {\n        monitor\n    }\n");
        }
        s.append("}\n");
        return s.toString();
    }

    private static String address(HaConfig.FloatingAddress a, Function<String, String> ifnameOfMac) {
        return a.ip() + "/" + a.prefixLength() + " dev " + ifnameOfMac.apply(a.nicMac());
    }

    /** Master only while it reaches one of the monitor addresses at least. */
    String monitorScript(HaConfig config) {
        StringBuilder s = new StringBuilder("#!/bin/sh\n# keepalived track script: reach one monitor address or give up the master role\n");
        for (String ip : config.monitorIps()) {
            s.append("busybox ping -c 1 -W 1 ").append(ip).append(" >/dev/null 2>&1 && exit 0\n");
        }
        return s.append("exit 1\n").toString();
    }

    /**
     * FTFW (reliable) sync of the connection table over the management nic; the external cache is committed into
     * the kernel when this router becomes master, so established SNAT, EIP and port-forwarding flows go on.
     */
    String conntrackd(HaConfig config, String ownSyncAddress, String syncIfname, Collection<String> ownAddresses) {
        StringBuilder s = new StringBuilder();
        s.append("Sync {\n")
                .append("    Mode FTFW {\n        DisableExternalCache Off\n        CommitTimeout 1800\n        PurgeTimeout 5\n    }\n")
                .append("    UDP {\n")
                .append("        IPv4_address ").append(ownSyncAddress).append('\n')
                .append("        IPv4_Destination_Address ").append(config.syncPeerAddress()).append('\n')
                .append("        Port ").append(CONNTRACKD_PORT).append('\n')
                .append("        Interface ").append(syncIfname).append('\n')
                .append("        SndSocketBuffer 1249280\n        RcvSocketBuffer 1249280\n        Checksum on\n")
                .append("    }\n}\n");
        s.append("General {\n")
                .append("    HashSize 32768\n    HashLimit 131072\n")
                .append("    LogFile ").append(dir.resolve("conntrackd.log")).append('\n')
                .append("    Syslog off\n")
                .append("    LockFile ").append(dir.resolve("conntrackd.lock")).append('\n')
                .append("    UNIX {\n        Path ").append(conntrackdSocket()).append("\n        Backlog 20\n    }\n")
                .append("    NetlinkBufferSize 2097152\n    NetlinkBufferSizeMaxGrowth 8388608\n")
                .append("    Filter From Userspace {\n")
                .append("        Protocol Accept {\n            TCP\n            UDP\n            ICMP\n        }\n")
                // the router's own connections (the agent's, VRRP's, the sync's) are not guests' flows
                .append("        Address Ignore {\n            IPv4_address 127.0.0.1\n");
        for (String ip : ownAddresses) {
            s.append("            IPv4_address ").append(ip).append('\n');
        }
        s.append("        }\n    }\n}\n");
        return s.toString();
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
