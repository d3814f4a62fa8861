package io.vrouter.agent.dnsmasq;

import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.DnsInfo;
import io.vrouter.agent.protocol.NicInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The text of dnsmasq's files. A host added by an incremental command is one line in its own file of
 * {@code dhcp-hosts/} (static lease) and one in {@code hosts/} (its name for DNS), both named after its MAC,
 * picked up by inotify without a reload. Hosts of a full sync go to {@link #SHARDS} shard files per kind instead
 * (a file per host costs ~0.1 ms of file system each, too much for thousands), spread by MAC so removing one
 * re-writes one small shard. Options are per option set (a tag named after their hash), in practice one file
 * per guest network.
 */
public final class DnsmasqRenderer {

    static final String HOSTS_DIR = "dhcp-hosts";
    static final String OPTS_DIR = "dhcp-opts";
    static final String NAMES_DIR = "hosts";
    /** Hosts written by full syncs, in {@link #SHARDS} files per directory; re-read on SIGHUP. */
    static final String SYNC_HOSTS_DIR = "dhcp-hosts-sync";
    static final String SYNC_NAMES_DIR = "hosts-sync";
    static final int SHARDS = 64;
    static final String SERVERS_FILE = "servers";
    static final String CONF_FILE = "dnsmasq.conf";
    static final String LEASE_FILE = "leases";
    static final String PID_FILE = "dnsmasq.pid";

    private static final int MAX_MEMOISED_TAGS = 4096;

    private final Path dir;
    /** option values -> tag; only used under the agent's lock, hence a plain map. */
    private final Map<String, String> tags = new HashMap<>();

    public DnsmasqRenderer(Path dir) {
        this.dir = dir;
    }

    /**
     * The nics dnsmasq serves DHCP and DNS on: the router's nic of each guest L3 network, and no other. That is
     * every nic neither Public nor Management (in practice Private), and a Public or Management nic that a DHCP
     * entry ({@code vrNicMac}) or a DNS upstream ({@code nicMac}) names as its guest network's nic: the one nic
     * of a flat network whose guest L3 is also the router's public or management L3. A nic that is only public or
     * only management is never served: no DHCP answers on the public side, no open resolver there. In nic order.
     */
    public static List<ServedNic> servedNics(DesiredState state, Function<String, String> ifnameOfMac) {
        Set<String> guestNics = new HashSet<>();
        boolean othersToCheck = false;
        for (NicInfo nic : state.nics().values()) {
            if (isGuestCategory(nic)) {
                guestNics.add(nic.mac());
            } else {
                othersToCheck = true;
            }
        }
        if (othersToCheck) {
            for (DhcpInfo entry : state.dhcp().values()) {
                guestNics.add(entry.vrNicMac());
            }
            for (DnsInfo dns : state.dns()) {
                if (dns.nicMac() != null) {
                    guestNics.add(dns.nicMac());
                }
            }
        }
        List<ServedNic> served = new ArrayList<>();
        for (NicInfo nic : state.nics().values()) {
            if (guestNics.contains(nic.mac())) {
                served.add(new ServedNic(ifnameOfMac.apply(nic.mac()), nic.ip(), nic.netmask()));
            }
        }
        return served;
    }

    /** Neither Public nor Management (in practice Private): a guest network's nic whatever the entries say. */
    static boolean isGuestCategory(NicInfo nic) {
        return !nic.isPublic() && !nic.isManagement();
    }

    /**
     * The main configuration. Reads none of the host's files: {@code no-hosts}, {@code no-resolv}, and dnsmasq is
     * started with {@code --conf-file} so /etc/dnsmasq.conf is skipped. Listens on the {@code served} nics only
     * ({@code interface=} lines, {@code bind-dynamic}): given none, dnsmasq would answer on every interface, so the
     * caller never runs it with an empty list.
     */
    public String mainConf(List<ServedNic> served) {
        StringBuilder s = new StringBuilder();
        s.append("# written by the vrouter agent; it is re-written on every nic change\n");
        s.append("no-hosts\nno-resolv\nstrict-order\nbind-dynamic\ndhcp-authoritative\n");
        s.append("port=53\n");
        s.append("pid-file=").append(dir.resolve(PID_FILE)).append('\n');
        s.append("dhcp-leasefile=").append(dir.resolve(LEASE_FILE)).append('\n');
        s.append("dhcp-hostsdir=").append(dir.resolve(HOSTS_DIR)).append('\n');
        s.append("dhcp-optsdir=").append(dir.resolve(OPTS_DIR)).append('\n');
        s.append("hostsdir=").append(dir.resolve(NAMES_DIR)).append('\n');
        s.append("dhcp-hostsfile=").append(dir.resolve(SYNC_HOSTS_DIR)).append('\n');
        s.append("addn-hosts=").append(dir.resolve(SYNC_NAMES_DIR)).append('\n');
        s.append("servers-file=").append(dir.resolve(SERVERS_FILE)).append('\n');
        // the files live in the agent's data dir, which only root may write; dnsmasq stays root to read it
        s.append("user=root\n");
        for (ServedNic nic : served) {
            s.append("interface=").append(nic.ifname()).append('\n');
            s.append("dhcp-range=set:nic-").append(nic.ifname()).append(',').append(nic.ip()).append(",static,")
                    .append(nic.netmask()).append(",infinite\n");
        }
        return s.toString();
    }

    /** The file name of a host's entries: its MAC with dashes (colons are awkward in file names). */
    static String hostFileName(DhcpInfo entry) {
        return entry.mac().replace(':', '-');
    }

    /** The shard a full-sync host lives in. */
    static String shardOf(String mac) {
        int shard = Math.floorMod(mac.hashCode(), SHARDS);
        return shard < 10 ? "0" + shard : Integer.toString(shard);
    }

    /** {@code mac,set:tag,ip,hostname,infinite}: a static lease that also selects the options of its network. */
    public String hostLine(DhcpInfo entry) {
        return entry.mac() + ",set:" + optionTag(entry) + "," + entry.ip() + "," + entry.hostname() + ",infinite\n";
    }

    /** {@code ip hostname [hostname.domain]}: how other guests resolve this one. */
    public String nameLine(DhcpInfo entry) {
        String line = entry.ip() + " " + entry.hostname();
        if (entry.dnsDomain() != null) {
            line += " " + entry.hostname() + "." + entry.dnsDomain();
        }
        return line + "\n";
    }

    /**
     * The options of one entry's network. A nic on a non-default L3 gets neither router nor DNS (an empty option
     * makes dnsmasq send none, instead of its own address).
     */
    public String optionsFile(DhcpInfo entry) {
        String tag = optionTag(entry);
        StringBuilder s = new StringBuilder();
        String prefix = "tag:" + tag + ",option:";
        if (entry.isDefaultL3Network()) {
            s.append(prefix).append("router").append(entry.gateway() == null ? "" : "," + entry.gateway()).append('\n');
            s.append(prefix).append("dns-server")
                    .append(entry.dns().isEmpty() ? "" : "," + String.join(",", entry.dns())).append('\n');
        } else {
            s.append(prefix).append("router\n");
            s.append(prefix).append("dns-server\n");
        }
        s.append(prefix).append("netmask,").append(entry.netmask()).append('\n');
        if (entry.dnsDomain() != null) {
            s.append(prefix).append("domain-name,").append(entry.dnsDomain()).append('\n');
        }
        if (entry.mtu() != null) {
            s.append(prefix).append("mtu,").append(entry.mtu()).append('\n');
        }
        return s.toString();
    }

    /**
     * A tag named after a hash of the option values: entries of one network share it. Memoised: thousands of
     * entries share a handful of option sets, and hashing each one again dominated a 5,000-host sync.
     */
    public String optionTag(DhcpInfo entry) {
        String key = entry.isDefaultL3Network() + "|" + entry.gateway() + "|" + entry.dns() + "|" + entry.netmask()
                + "|" + entry.dnsDomain() + "|" + entry.mtu();
        String tag = tags.get(key);
        if (tag == null) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
                tag = "o" + HexFormat.of().formatHex(hash, 0, 5);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
            if (tags.size() >= MAX_MEMOISED_TAGS) {
                tags.clear(); // option sets that come and go must not grow memory without bound
            }
            tags.put(key, tag);
        }
        return tag;
    }

    /** A lease dnsmasq handed out: one line {@code expiry mac ip hostname client-id} of its lease file. */
    public record Lease(String mac, String ip) {

        /** The lease on this line, or null for a line that is none (the {@code duid} line, a blank one). */
        public static Lease parse(String line) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 3 || !fields[0].matches("[0-9]+")) {
                return null;
            }
            return new Lease(fields[1].toLowerCase(java.util.Locale.ROOT), fields[2]);
        }
    }

    /** dnsmasq's lease file without the leases of MACs not in {@code hosts}; other lines (a {@code duid}) are kept. */
    public static String leasesOf(String leaseFile, Set<String> hosts) {
        StringBuilder kept = new StringBuilder();
        for (String line : leaseFile.split("\n")) {
            Lease lease = Lease.parse(line);
            if (!line.isBlank() && (lease == null || hosts.contains(lease.mac()))) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    /** The upstream resolvers, in order; re-read on SIGHUP. */
    public String serversFile(List<DnsInfo> dns) {
        StringBuilder s = new StringBuilder();
        for (DnsInfo d : dns) {
            s.append("server=").append(d.dnsAddress()).append('\n');
        }
        return s.toString();
    }
}
