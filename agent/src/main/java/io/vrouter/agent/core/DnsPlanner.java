package io.vrouter.agent.core;

import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.protocol.DnsCmd;
import io.vrouter.agent.protocol.DnsInfo;
import io.vrouter.platform.net.Mac;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code /setdns} replaces the ordered upstream list; {@code /removedns} drops some upstreams. */
final class DnsPlanner {

    private DnsPlanner() {
    }

    static StateDelta set(DesiredState state, DnsCmd cmd) {
        List<DnsInfo> after = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        List<DnsInfo> dns = Checks.list("dns", Checks.required("body", cmd).dns());
        for (int i = 0; i < dns.size(); i++) {
            DnsInfo d = normalize("dns[" + i + "]", dns.get(i), state);
            if (seen.add(d.dnsAddress())) {
                after.add(d);
            }
        }
        return StateDelta.builder().dns(state.dns(), after).build();
    }

    static StateDelta remove(DesiredState state, DnsCmd cmd) {
        List<DnsInfo> dns = Checks.list("dns", Checks.required("body", cmd).dns());
        Set<String> drop = new LinkedHashSet<>();
        for (int i = 0; i < dns.size(); i++) {
            drop.add(Checks.ip("dns[" + i + "].dnsAddress", dns.get(i).dnsAddress()));
        }
        List<DnsInfo> after = new ArrayList<>();
        for (DnsInfo d : state.dns()) {
            if (!drop.contains(d.dnsAddress())) {
                after.add(d);
            }
        }
        return StateDelta.builder().dns(state.dns(), after).build();
    }

    private static DnsInfo normalize(String where, DnsInfo d, DesiredState state) {
        String address = Checks.ip(where + ".dnsAddress", d.dnsAddress());
        String nicMac = d.nicMac() == null || d.nicMac().isEmpty() ? null
                : Checks.nicMac(where + ".nicMac", d.nicMac(), state);
        return new DnsInfo(address, nicMac == null ? null : Mac.normalize(nicMac));
    }
}
