package io.vrouter.agent.nft;

import static io.vrouter.agent.nft.NftLayout.EIP_DNAT;
import static io.vrouter.agent.nft.NftLayout.EIP_INBOUND;
import static io.vrouter.agent.nft.NftLayout.EIP_SNAT;
import static io.vrouter.agent.nft.NftLayout.FAMILY;
import static io.vrouter.agent.nft.NftLayout.GUEST_NETS;
import static io.vrouter.agent.nft.NftLayout.PF_ACL;
import static io.vrouter.agent.nft.NftLayout.PF_ALLOWED;
import static io.vrouter.agent.nft.NftLayout.PF_DNAT;
import static io.vrouter.agent.nft.NftLayout.PUBLIC_IFS;
import static io.vrouter.agent.nft.NftLayout.SNAT_NETS;
import static io.vrouter.agent.nft.NftLayout.TABLE;

import io.vrouter.agent.state.Changes;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.agent.nft.NftField.Addr;
import io.vrouter.agent.nft.NftField.Ifname;
import io.vrouter.agent.nft.NftField.Port;
import io.vrouter.agent.nft.NftField.Prefix;
import io.vrouter.agent.nft.NftField.Proto;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.SNATInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns desired state into nft scripts. The ruleset is a fixed skeleton of chains whose rules look packets up
 * in sets and maps (kube-proxy's nftables approach): a packet costs one lookup per map whatever the rule count,
 * and adding or removing a rule is adding or deleting map elements, never re-writing chains.
 *
 * <p>A full script deletes and re-creates the agent's table in one transaction; element changes only add and
 * delete elements. Both build their elements with the same methods, so they cannot disagree.
 */
public final class NftRenderer {

    /**
     * Options that depend on the machine, not on the desired state.
     *
     * @param managementIfname the interface holding the agent's listen address, or null (listening on 0.0.0.0): then
     *                         the nic the state calls {@code Management} is the management nic
     * @param agentClients     the only sources (addresses or CIDRs) the agent port accepts; empty: any on the
     *                         management nic
     */
    public record Options(boolean flowtable, int agentPort, String managementIfname, List<String> agentClients) {
        public Options {
            agentClients = List.copyOf(agentClients);
        }

        public Options(boolean flowtable, int agentPort, String managementIfname) {
            this(flowtable, agentPort, managementIfname, List.of());
        }
    }

    private final Options options;

    public NftRenderer(Options options) {
        this.options = options;
    }

    // ---------------------------------------------------------------- full script

    /** The whole table; applying it replaces everything the agent had in the kernel, atomically. */
    public String fullScript(DesiredState state, Function<String, String> ifnameOfMac) {
        Map<String, List<NftElement>> elements = new LinkedHashMap<>();
        for (String set : List.of(PUBLIC_IFS, GUEST_NETS, SNAT_NETS, EIP_DNAT, EIP_SNAT, EIP_INBOUND, PF_DNAT,
                PF_ACL, PF_ALLOWED)) {
            elements.put(set, new ArrayList<>());
        }
        List<String> allIfnames = new ArrayList<>();
        for (NicInfo nic : state.nics().values()) {
            Ifname ifname = ifname(nic.mac(), ifnameOfMac);
            allIfnames.add(ifname.text());
            if (nic.isPublic()) {
                elements.get(PUBLIC_IFS).add(NftElement.of(PUBLIC_IFS, ifname));
            } else if (!nic.isManagement()) {
                elements.get(GUEST_NETS).add(NftElement.of(GUEST_NETS, ifname,
                        new Prefix(Ipv4Cidr.of(nic.ip(), nic.netmask()))));
            }
        }
        for (SNATInfo snat : state.snats().values()) {
            addAll(elements, snatElements(snat, ifnameOfMac));
        }
        for (EipTO eip : state.eips().values()) {
            addAll(elements, eipElements(eip, state, ifnameOfMac));
        }
        for (PortForwardingRuleTO rule : state.portForwardings().values()) {
            addAll(elements, portForwardingElements(rule));
        }

        StringBuilder s = new StringBuilder(64 * 1024);
        String table = FAMILY + " " + TABLE;
        // "add" then "delete" makes the delete succeed whether or not the table exists; all of it is one transaction
        s.append("add table ").append(table).append('\n');
        s.append("delete table ").append(table).append('\n');
        s.append("table ").append(table).append(" {\n");
        set(s, elements, PUBLIC_IFS, "ifname", null, false);
        set(s, elements, GUEST_NETS, "ifname . ipv4_addr", null, true);
        set(s, elements, SNAT_NETS, "ifname . ipv4_addr", "ipv4_addr", true);
        set(s, elements, EIP_DNAT, "ipv4_addr", "ipv4_addr", false);
        set(s, elements, EIP_SNAT, "ifname . ipv4_addr", "ipv4_addr", false);
        set(s, elements, EIP_INBOUND, "ipv4_addr", "ipv4_addr", false);
        set(s, elements, PF_DNAT, "inet_proto . ipv4_addr . inet_service", "ipv4_addr . inet_service", false);
        set(s, elements, PF_ACL, "inet_proto . ipv4_addr . inet_service", null, false);
        set(s, elements, PF_ALLOWED, "inet_proto . ipv4_addr . inet_service . ipv4_addr", null, true);
        boolean flowtable = options.flowtable() && !allIfnames.isEmpty();
        if (flowtable) {
            s.append("  flowtable fastpath { hook ingress priority 0; devices = { ");
            s.append(String.join(", ", allIfnames)).append(" }; }\n");
        }
        chains(s, flowtable, agentPortGuard(state, ifnameOfMac));
        s.append("}\n");
        return s.toString();
    }

    /**
     * The input rules that keep the agent's port away from every nic but the management nic, and on it from every
     * source but the management node's (a flat network's guests share the management L3). The management nic is
     * the listen address's interface, else the state's {@code Management} nic; with neither (0.0.0.0 and no nics
     * configured yet) every nic the state names is closed, which is none: only the source rule applies then.
     */
    private String agentPortGuard(DesiredState state, Function<String, String> ifnameOfMac) {
        StringBuilder rules = new StringBuilder();
        String port = Integer.toString(options.agentPort());
        String management = options.managementIfname();
        if (management == null) {
            for (NicInfo nic : state.nics().values()) {
                if (nic.isManagement()) {
                    management = ifname(nic.mac(), ifnameOfMac).text();
                }
            }
        } else {
            management = new Ifname(management).text();
        }
        if (management != null) {
            rules.append("    iifname != ").append(management).append(" tcp dport ").append(port).append(" drop\n");
        } else if (!state.nics().isEmpty()) {
            List<String> all = new ArrayList<>();
            for (NicInfo nic : state.nics().values()) {
                all.add(ifname(nic.mac(), ifnameOfMac).text());
            }
            rules.append("    iifname { ").append(String.join(", ", all)).append(" } tcp dport ").append(port)
                    .append(" drop\n");
        }
        if (!options.agentClients().isEmpty()) {
            rules.append("    tcp dport ").append(port).append(" ip saddr != { ")
                    .append(String.join(", ", options.agentClients().stream().map(c -> io.vrouter.platform.net.Ipv4Cidr.parseNormalising(c).toString()).toList()))
                    .append(" } drop\n");
        }
        return rules.toString();
    }

    private void chains(StringBuilder s, boolean flowtable, String agentPortGuard) {
        // allowedCidr filtering happens before DNAT, while the destination is still the VIP
        s.append("  chain pf_filter {\n")
                .append("    type filter hook prerouting priority -150; policy accept;\n")
                // only a connection's first packet is looked up: the rest belong to a flow already let in
                .append("    ct state new meta l4proto { tcp, udp } meta l4proto . ip daddr . th dport @").append(PF_ACL)
                .append(" meta l4proto . ip daddr . th dport . ip saddr != @").append(PF_ALLOWED).append(" drop\n")
                .append("  }\n");
        s.append("  chain nat_pre {\n")
                .append("    type nat hook prerouting priority dstnat; policy accept;\n")
                .append("    meta l4proto { tcp, udp } dnat ip to meta l4proto . ip daddr . th dport map @")
                .append(PF_DNAT).append('\n')
                .append("    dnat ip to ip daddr map @").append(EIP_DNAT).append('\n')
                .append("  }\n");
        s.append("  chain nat_post {\n")
                .append("    type nat hook postrouting priority srcnat; policy accept;\n")
                // hairpin: a guest reaching another guest's EIP or forwarded port through the router
                .append("    ct status dnat oifname . ip saddr @").append(GUEST_NETS).append(" masquerade\n")
                .append("    ct status dnat snat ip to ip daddr map @").append(EIP_INBOUND).append('\n')
                .append("    snat ip to oifname . ip saddr map @").append(EIP_SNAT).append('\n')
                .append("    snat ip to oifname . ip saddr map @").append(SNAT_NETS).append('\n')
                .append("  }\n");
        s.append("  chain input {\n")
                .append("    type filter hook input priority filter; policy accept;\n");
        s.append(agentPortGuard);
        s.append("    iifname @").append(PUBLIC_IFS).append(" ct state established,related accept\n")
                .append("    iifname @").append(PUBLIC_IFS).append(" icmp type { echo-request, destination-unreachable,"
                        + " time-exceeded } accept\n")
                .append("    iifname @").append(PUBLIC_IFS).append(" drop\n")
                .append("  }\n");
        s.append("  chain forward {\n")
                .append("    type filter hook forward priority filter; policy accept;\n");
        if (flowtable) {
            s.append("    ip protocol { tcp, udp } ct state established flow add @fastpath\n");
        }
        // every forwarded packet passes here: established traffic, both ways, leaves at the first rule
        s.append("    ct state established,related accept\n")
                .append("    iifname @").append(PUBLIC_IFS).append(" ct status dnat accept\n")
                .append("    iifname @").append(PUBLIC_IFS).append(" drop\n")
                .append("  }\n");
    }

    private static void set(StringBuilder s, Map<String, List<NftElement>> elements, String name, String keyType,
            String valueType, boolean interval) {
        s.append("  ").append(valueType == null ? "set " : "map ").append(name).append(" {\n");
        s.append("    type ").append(keyType);
        if (valueType != null) {
            s.append(" : ").append(valueType);
        }
        s.append('\n');
        if (interval) {
            s.append("    flags interval\n");
        }
        List<NftElement> list = elements.get(name);
        if (!list.isEmpty()) {
            s.append("    elements = {\n");
            for (int i = 0; i < list.size(); i++) {
                s.append("      ").append(list.get(i).render()).append(i + 1 < list.size() ? ",\n" : "\n");
            }
            s.append("    }\n");
        }
        s.append("  }\n");
    }

    // ---------------------------------------------------------------- element changes

    /**
     * Only the element changes of {@code delta} (SNAT, EIP, port forwarding); empty when there is nothing for
     * nftables to do. {@code state} is the state after the delta.
     */
    public NftElementChanges elementChanges(StateDelta delta, DesiredState state, Function<String, String> ifnameOfMac) {
        List<NftElement> deletes = new ArrayList<>();
        List<NftElement> adds = new ArrayList<>();
        collect(delta.snats(), deletes, adds, snat -> snatElements(snat, ifnameOfMac));
        collect(delta.eips(), deletes, adds, eip -> eipElements(eip, state, ifnameOfMac));
        collect(delta.portForwardings(), deletes, adds, NftRenderer::portForwardingElements);
        return new NftElementChanges(deletes, adds);
    }

    private static <T> void collect(Changes<T> changes, List<NftElement> deletes, List<NftElement> adds,
            Function<T, List<NftElement>> render) {
        for (T removed : changes.removed()) {
            deletes.addAll(render.apply(removed));
        }
        for (T added : changes.added()) {
            adds.addAll(render.apply(added));
        }
    }

    // ---------------------------------------------------------------- elements of each service

    static List<NftElement> snatElements(SNATInfo snat, Function<String, String> ifnameOfMac) {
        return List.of(NftElement.of(SNAT_NETS, ifname(snat.publicNicMac(), ifnameOfMac),
                new Prefix(Ipv4Cidr.of(snat.privateNicIp(), snat.snatNetmask()))).to(NftField.addr(snat.publicIp())));
    }

    static List<NftElement> eipElements(EipTO eip, DesiredState state, Function<String, String> ifnameOfMac) {
        List<NftElement> elements = new ArrayList<>(3);
        Addr vip = NftField.addr(eip.vipIp());
        Addr guest = NftField.addr(eip.guestIp());
        elements.add(NftElement.of(EIP_DNAT, vip).to(guest));
        elements.add(NftElement.of(EIP_SNAT, ifname(eip.publicMac(), ifnameOfMac), guest).to(vip));
        if (eip.snatInboundTraffic()) {
            NicInfo guestNic = state.nic(eip.privateMac());
            elements.add(NftElement.of(EIP_INBOUND, guest).to(NftField.addr(guestNic.ip())));
        }
        return elements;
    }

    /** One {@code pf_dnat} element per VIP port; a rule with an allowedCidr also marks each port as filtered. */
    static List<NftElement> portForwardingElements(PortForwardingRuleTO rule) {
        Proto proto = Proto.of(rule.protocolType());
        Addr vip = NftField.addr(rule.vipIp());
        Addr privateIp = NftField.addr(rule.privateIp());
        Prefix allowed = rule.allowedCidr() == null ? null : new Prefix(Ipv4Cidr.parseNormalising(rule.allowedCidr()));
        int start = rule.vipPortStart();
        int offset = rule.privatePortStart() - start;
        List<NftElement> elements = new ArrayList<>((rule.vipPortEnd() - start + 1) * (allowed == null ? 1 : 3));
        for (int port = start; port <= rule.vipPortEnd(); port++) {
            Port vipPort = new Port(port);
            elements.add(NftElement.of(PF_DNAT, proto, vip, vipPort).to(privateIp, new Port(port + offset)));
            if (allowed != null) {
                elements.add(NftElement.of(PF_ACL, proto, vip, vipPort));
                elements.add(NftElement.of(PF_ALLOWED, proto, vip, vipPort, allowed));
            }
        }
        return elements;
    }

    private static Ifname ifname(String mac, Function<String, String> ifnameOfMac) {
        return new Ifname(ifnameOfMac.apply(mac));
    }

    private static void addAll(Map<String, List<NftElement>> elements, List<NftElement> list) {
        for (NftElement e : list) {
            elements.get(e.set()).add(e);
        }
    }
}
