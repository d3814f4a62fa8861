package io.vrouter.agent.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.dataplane.DataplaneException;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.VipTO;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nic addresses, MTU, link state, the default route and VIP addresses, through {@code ip -batch} (one process
 * for many changes). Everything uses "replace" so that doing it twice changes nothing.
 */
public final class IpCommands {

    private static final Logger LOG = LoggerFactory.getLogger(IpCommands.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;
    private final Interfaces interfaces;

    public IpCommands(CommandRunner runner, Interfaces interfaces) {
        this.runner = runner;
        this.interfaces = interfaces;
    }

    /** Checks that every nic's MAC exists before anything changes, so a bad command changes nothing. */
    public void requireInterfaces(Iterable<NicInfo> nics) {
        for (NicInfo nic : nics) {
            interfaces.ifnameOf(nic.mac());
        }
    }

    /** Address, MTU, up, and the default route for the nic that has it. */
    public void configure(List<NicInfo> nics) {
        if (nics.isEmpty()) {
            return;
        }
        StringBuilder batch = new StringBuilder();
        for (NicInfo nic : nics) {
            String dev = interfaces.ifnameOf(nic.mac());
            batch.append("addr replace ").append(nic.ip()).append('/').append(Ipv4Cidr.prefixLength(nic.netmask()))
                    .append(" dev ").append(dev).append('\n');
            batch.append("link set dev ").append(dev);
            if (nic.mtu() != null) {
                batch.append(" mtu ").append(nic.mtu());
            }
            batch.append(" up\n");
            if (nic.isDefaultRoute() && nic.gateway() != null) {
                batch.append("route replace default via ").append(nic.gateway()).append(" dev ").append(dev)
                        .append('\n');
            }
        }
        runner.check(List.of("ip", "-batch", "-"), batch.toString());
    }

    /** Removes the nics' addresses; links stay up (the management nic may be among them). */
    public void unconfigure(List<NicInfo> nics) {
        StringBuilder batch = new StringBuilder();
        for (NicInfo nic : nics) {
            if (interfaces.exists(nic.mac())) {
                batch.append("addr del ").append(nic.ip()).append('/').append(Ipv4Cidr.prefixLength(nic.netmask()))
                        .append(" dev ").append(interfaces.ifnameOf(nic.mac())).append('\n');
            }
        }
        bestEffort(batch);
    }

    public void addVips(List<VipTO> vips) {
        if (vips.isEmpty()) {
            return;
        }
        StringBuilder batch = new StringBuilder();
        for (VipTO vip : vips) {
            batch.append("addr replace ").append(vip.ip()).append("/32 dev ")
                    .append(interfaces.ifnameOf(vip.ownerEthernetMac())).append('\n');
        }
        runner.check(List.of("ip", "-batch", "-"), batch.toString());
    }

    public void removeVips(List<VipTO> vips) {
        StringBuilder batch = new StringBuilder();
        for (VipTO vip : vips) {
            if (interfaces.exists(vip.ownerEthernetMac())) {
                batch.append("addr del ").append(vip.ip()).append("/32 dev ")
                        .append(interfaces.ifnameOf(vip.ownerEthernetMac())).append('\n');
            }
        }
        bestEffort(batch);
    }

    /**
     * Makes the public nics carry exactly their own address plus their VIPs: also removes VIP addresses a
     * previous agent left behind. VIPs are /32s, so they never add a connected route.
     */
    public void syncVips(DesiredState state) {
        List<VipTO> wanted = new ArrayList<>(state.vips().values());
        addVips(wanted);
        Set<String> publicDevs = new LinkedHashSet<>();
        for (VipTO vip : wanted) {
            publicDevs.add(interfaces.ifnameOf(vip.ownerEthernetMac()));
        }
        for (NicInfo nic : state.nics().values()) {
            if (nic.isPublic()) {
                publicDevs.add(interfaces.ifnameOf(nic.mac()));
            }
        }
        Set<String> keep = new HashSet<>();
        for (NicInfo nic : state.nics().values()) {
            keep.add(nic.ip());
        }
        for (VipTO vip : wanted) {
            keep.add(vip.ip());
        }
        StringBuilder batch = new StringBuilder();
        for (String dev : publicDevs) {
            for (String address : slash32Addresses(dev)) {
                if (!keep.contains(address)) {
                    batch.append("addr del ").append(address).append("/32 dev ").append(dev).append('\n');
                }
            }
        }
        bestEffort(batch);
    }

    /** Turns on IPv4 forwarding in this namespace. */
    public void enableForwarding() {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_forward"), "1\n");
        } catch (IOException e) {
            throw new DataplaneException("cannot enable IPv4 forwarding: " + e, e);
        }
        try {
            // a nic's first address removed keeps the others of its subnet (by default the kernel drops them with it):
            // a VRRP pair's router that becomes a plain one loses its own guest address while the gateway stays
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/sys/net/ipv4/conf/all/promote_secondaries"), "1\n");
        } catch (IOException e) {
            LOG.warn("cannot set promote_secondaries: {}", e.toString());
        }
    }

    private List<String> slash32Addresses(String dev) {
        CommandResult result = runner.check(List.of("ip", "-j", "-4", "addr", "show", "dev", dev), null);
        List<String> addresses = new ArrayList<>();
        try {
            for (JsonNode link : JSON.readTree(result.stdout())) {
                for (JsonNode a : link.path("addr_info")) {
                    if (a.path("prefixlen").asInt() == 32) {
                        addresses.add(a.path("local").asText());
                    }
                }
            }
        } catch (IOException e) {
            throw new DataplaneException("cannot read the addresses of " + dev + ": " + e, e);
        }
        return addresses;
    }

    /** Removals: an address that is already gone is fine. */
    private void bestEffort(StringBuilder batch) {
        if (batch.length() == 0) {
            return;
        }
        CommandResult result = runner.run(List.of("ip", "-force", "-batch", "-"), batch.toString());
        if (!result.succeeded()) {
            LOG.info("some removals were no-ops: {}", result.stderr().strip());
        }
    }
}
