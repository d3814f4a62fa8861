package io.vrouter.agent.core;

import io.vrouter.agent.state.Changes;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.protocol.AddDhcpCmd;
import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.RemoveDhcpCmd;
import java.util.ArrayList;
import java.util.List;

/** {@code /adddhcp} (incremental, or a full rebuild) and {@code /removedhcp}. */
final class DhcpPlanner {

    private DhcpPlanner() {
    }

    static StateDelta add(DesiredState state, AddDhcpCmd cmd) {
        List<DhcpInfo> entries = Checks.list("dhcpEntries", Checks.required("body", cmd).dhcpEntries());
        List<DhcpInfo> normalized = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            normalized.add(normalize("dhcpEntries[" + i + "]", entries.get(i), state));
        }
        if (cmd.rebuild()) {
            return StateDelta.builder().fullSync()
                    .dhcp(Changes.replace(state.dhcp(), normalized, DesiredState::key)).build();
        }
        return StateDelta.builder().dhcp(Changes.put(state.dhcp(), normalized, DesiredState::key)).build();
    }

    static StateDelta remove(DesiredState state, RemoveDhcpCmd cmd) {
        List<DhcpInfo> entries = Checks.list("dhcpEntries", Checks.required("body", cmd).dhcpEntries());
        List<String> macs = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            macs.add(Checks.mac("dhcpEntries[" + i + "].mac", entries.get(i).mac()));
        }
        return StateDelta.builder().dhcp(Changes.remove(state.dhcp(), macs)).build();
    }

    private static DhcpInfo normalize(String where, DhcpInfo d, DesiredState state) {
        String mac = Checks.mac(where + ".mac", d.mac());
        String ip = Checks.ip(where + ".ip", d.ip());
        Checks.netmask(where + ".netmask", d.netmask());
        String gateway = Checks.optionalIp(where + ".gateway", d.gateway());
        List<String> dns = d.dns() == null ? List.of() : d.dns();
        for (int i = 0; i < dns.size(); i++) {
            Checks.ip(where + ".dns[" + i + "]", dns.get(i));
        }
        String vrNicMac = Checks.nicMac(where + ".vrNicMac", d.vrNicMac(), state);
        String hostname = Checks.hostname(where + ".hostname", d.hostname());
        String domain = Checks.hostname(where + ".dnsDomain", d.dnsDomain());
        Checks.mtu(where + ".mtu", d.mtu());
        // ZStack's default host name: the IP with dashes, so every guest has a resolvable name
        return new DhcpInfo(ip, mac, d.netmask(), gateway, List.copyOf(dns),
                hostname != null ? hostname : ip.replace('.', '-'), vrNicMac, domain, d.isDefaultL3Network(),
                d.mtu());
    }
}
