package io.vrouter.agent.state;

import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.DnsInfo;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.SNATInfo;
import io.vrouter.agent.protocol.VipTO;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent has been told to provide, every entry validated and normalised (lower-case MACs, filled-in
 * defaults). Keys: nics and DHCP entries by MAC, SNATs by private nic MAC, VIPs by IP, EIPs by VIP, port
 * forwarding rules by uuid. Mutated only by {@link Agent} under its lock; dataplanes read it during
 * {@link io.vrouter.agent.dataplane.Dataplane#apply} and must not keep references to the maps.
 */
public final class DesiredState {

    private final Map<String, NicInfo> nics = new LinkedHashMap<>();
    private final Map<String, DhcpInfo> dhcp = new LinkedHashMap<>();
    private final List<DnsInfo> dns = new ArrayList<>();
    private final Map<String, SNATInfo> snats = new LinkedHashMap<>();
    private final Map<String, VipTO> vips = new LinkedHashMap<>();
    private final Map<String, EipTO> eips = new LinkedHashMap<>();
    private final Map<String, PortForwardingRuleTO> portForwardings = new LinkedHashMap<>();

    // ---------------------------------------------------------------- keys

    public static String key(NicInfo nic) {
        return nic.mac();
    }

    public static String key(DhcpInfo entry) {
        return entry.mac();
    }

    public static String key(SNATInfo snat) {
        return snat.privateNicMac();
    }

    public static String key(VipTO vip) {
        return vip.ip();
    }

    public static String key(EipTO eip) {
        return eip.vipIp();
    }

    public static String key(PortForwardingRuleTO rule) {
        return rule.uuid();
    }

    // ---------------------------------------------------------------- read access

    public Map<String, NicInfo> nics() {
        return Collections.unmodifiableMap(nics);
    }

    public NicInfo nic(String mac) {
        return nics.get(mac);
    }

    public Map<String, DhcpInfo> dhcp() {
        return Collections.unmodifiableMap(dhcp);
    }

    public List<DnsInfo> dns() {
        return Collections.unmodifiableList(dns);
    }

    public Map<String, SNATInfo> snats() {
        return Collections.unmodifiableMap(snats);
    }

    public Map<String, VipTO> vips() {
        return Collections.unmodifiableMap(vips);
    }

    public Map<String, EipTO> eips() {
        return Collections.unmodifiableMap(eips);
    }

    public Map<String, PortForwardingRuleTO> portForwardings() {
        return Collections.unmodifiableMap(portForwardings);
    }

    /** A deep-enough copy: the maps are new, the entries (immutable records) are shared. */
    public DesiredState copy() {
        DesiredState copy = new DesiredState();
        copy.nics.putAll(nics);
        copy.dhcp.putAll(dhcp);
        copy.dns.addAll(dns);
        copy.snats.putAll(snats);
        copy.vips.putAll(vips);
        copy.eips.putAll(eips);
        copy.portForwardings.putAll(portForwardings);
        return copy;
    }

    // ---------------------------------------------------------------- mutation

    public void apply(StateDelta delta) {
        delta.nics().applyTo(nics, DesiredState::key);
        delta.dhcp().applyTo(dhcp, DesiredState::key);
        if (delta.dnsChanged()) {
            dns.clear();
            dns.addAll(delta.dnsAfter());
        }
        delta.snats().applyTo(snats, DesiredState::key);
        delta.vips().applyTo(vips, DesiredState::key);
        delta.eips().applyTo(eips, DesiredState::key);
        delta.portForwardings().applyTo(portForwardings, DesiredState::key);
    }
}
