package io.vrouter.agent.nft;

import static io.vrouter.agent.nft.NftLayout.EIP_DNAT;
import static io.vrouter.agent.nft.NftLayout.EIP_INBOUND;
import static io.vrouter.agent.nft.NftLayout.EIP_SNAT;
import static io.vrouter.agent.nft.NftLayout.FAMILY;
import static io.vrouter.agent.nft.NftLayout.GUEST_NETS;
import static io.vrouter.agent.nft.NftLayout.PF_ACL;
import static io.vrouter.agent.nft.NftLayout.PF_ACL_CHAIN_PREFIX;
import static io.vrouter.agent.nft.NftLayout.PF_DNAT;
import static io.vrouter.agent.nft.NftLayout.PUBLIC_IFS;
import static io.vrouter.agent.nft.NftLayout.SNAT_NETS;
import static io.vrouter.agent.nft.NftLayout.TABLE;

import io.vrouter.agent.core.Changes;
import io.vrouter.agent.core.DesiredState;
import io.vrouter.agent.core.StateDelta;
import io.vrouter.agent.net.Cidr;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.SNATInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns desired state into nft scripts. The ruleset is a fixed skeleton of chains whose rules look packets up
 * in sets and maps (kube-proxy's nftables approach): a packet costs one lookup per map whatever the rule count,
 * and adding or removing a rule is adding or deleting map elements, never re-writing chains.
 *
 * <p>A full script deletes and re-creates the agent's table in one transaction; an incremental script only adds
 * and deletes elements. Both build their elements with the same methods, so they cannot disagree.
 */
public final class NftRenderer {

    /** Options that depend on the machine, not on the desired state. */
    public record Options(boolean flowtable, int agentPort, String managementIfname) {
    }

    private static final java.util.regex.Pattern SAFE_UUID = java.util.regex.Pattern.compile("[A-Za-z0-9]{1,64}");

    private final Options options;

    public NftRenderer(Options options) {
        this.options = options;
    }

    // ---------------------------------------------------------------- full script

    /** The whole table; applying it replaces everything the agent had in the kernel, atomically. */
    public String fullScript(DesiredState state, Function<String, String> ifnameOfMac) {
        Map<String, List<NftElement>> elements = new LinkedHashMap<>();
        for (String set : List.of(PUBLIC_IFS, GUEST_NETS, SNAT_NETS, EIP_DNAT, EIP_SNAT, EIP_INBOUND, PF_DNAT,
                PF_ACL)) {
            elements.put(set, new ArrayList<>());
        }
        List<String> allIfnames = new ArrayList<>();
        for (NicInfo nic : state.nics().values()) {
            String ifname = ifnameOfMac.apply(nic.mac());
            allIfnames.add(ifname);
            if (nic.isPublic()) {
                elements.get(PUBLIC_IFS).add(new NftElement(PUBLIC_IFS, quote(ifname), null));
            } else if (!nic.isManagement()) {
                elements.get(GUEST_NETS).add(new NftElement(GUEST_NETS,
                        quote(ifname) + " . " + Cidr.of(nic.ip(), nic.netmask()), null));
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
        // filled after the chains it jumps to exist (below)
        List<NftElement> acl = elements.put(PF_ACL, new ArrayList<>());
        set(s, elements, PF_ACL, "inet_proto . ipv4_addr . inet_service", "verdict", false);
        boolean flowtable = options.flowtable() && !allIfnames.isEmpty();
        if (flowtable) {
            s.append("  flowtable fastpath { hook ingress priority 0; devices = { ");
            s.append(String.join(", ", allIfnames.stream().map(NftRenderer::quote).toList())).append(" }; }\n");
        }
        chains(s, flowtable);
        // after the base chains, in state order: the kernel lists chains in creation order, and incremental
        // updates append theirs at the end, so a full sync of the same state lists the same ruleset
        for (PortForwardingRuleTO rule : state.portForwardings().values()) {
            if (rule.allowedCidr() != null) {
                s.append("  chain ").append(aclChain(rule)).append(" {\n    ").append(aclRule(rule)).append("\n  }\n");
            }
        }
        s.append("}\n");
        statements(s, "add", acl, false);
        return s.toString();
    }

    private void chains(StringBuilder s, boolean flowtable) {
        // allowedCidr filtering happens before DNAT, while the destination is still the VIP
        s.append("  chain pf_filter {\n")
                .append("    type filter hook prerouting priority -150; policy accept;\n")
                .append("    meta l4proto { tcp, udp } meta l4proto . ip daddr . th dport vmap @").append(PF_ACL)
                .append('\n')
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
        if (options.managementIfname() != null) {
            s.append("    iifname != ").append(quote(options.managementIfname())).append(" tcp dport ")
                    .append(options.agentPort()).append(" drop\n");
        }
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
        s.append("    iifname @").append(PUBLIC_IFS).append(" ct state established,related accept\n")
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

    // ---------------------------------------------------------------- incremental script

    /**
     * Only the element changes of {@code delta} (SNAT, EIP, port forwarding), deletions first, in one
     * transaction; empty when there is nothing for nftables to do. {@code state} is the state after the delta.
     */
    public String incrementalScript(StateDelta delta, DesiredState state, Function<String, String> ifnameOfMac) {
        List<NftElement> deletes = new ArrayList<>();
        List<NftElement> adds = new ArrayList<>();
        collect(delta.snats(), deletes, adds, snat -> snatElements(snat, ifnameOfMac));
        collect(delta.eips(), deletes, adds, eip -> eipElements(eip, state, ifnameOfMac));
        collect(delta.portForwardings(), deletes, adds, NftRenderer::portForwardingElements);
        StringBuilder s = new StringBuilder();
        statements(s, "delete", deletes, true);
        String table = FAMILY + " " + TABLE;
        // a rule's allowedCidr chain goes after the elements that jump to it, and comes before the new ones
        for (PortForwardingRuleTO rule : delta.portForwardings().removed()) {
            if (rule.allowedCidr() != null) {
                s.append("flush chain ").append(table).append(' ').append(aclChain(rule)).append('\n');
                s.append("delete chain ").append(table).append(' ').append(aclChain(rule)).append('\n');
            }
        }
        for (PortForwardingRuleTO rule : delta.portForwardings().added()) {
            if (rule.allowedCidr() != null) {
                s.append("add chain ").append(table).append(' ').append(aclChain(rule)).append('\n');
                s.append("add rule ").append(table).append(' ').append(aclChain(rule)).append(' ')
                        .append(aclRule(rule)).append('\n');
            }
        }
        statements(s, "add", adds, false);
        return s.toString();
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

    private static void statements(StringBuilder s, String verb, List<NftElement> elements, boolean keyOnly) {
        Map<String, List<NftElement>> bySet = new LinkedHashMap<>();
        for (NftElement e : elements) {
            bySet.computeIfAbsent(e.set(), k -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<String, List<NftElement>> e : bySet.entrySet()) {
            s.append(verb).append(" element ").append(FAMILY).append(' ').append(TABLE).append(' ')
                    .append(e.getKey()).append(" { ");
            List<NftElement> list = e.getValue();
            for (int i = 0; i < list.size(); i++) {
                s.append(keyOnly ? list.get(i).key() : list.get(i).render()).append(i + 1 < list.size() ? ", " : "");
            }
            s.append(" }\n");
        }
    }

    // ---------------------------------------------------------------- elements of each service

    static List<NftElement> snatElements(SNATInfo snat, Function<String, String> ifnameOfMac) {
        String key = quote(ifnameOfMac.apply(snat.publicNicMac())) + " . "
                + Cidr.of(snat.privateNicIp(), snat.snatNetmask());
        return List.of(new NftElement(SNAT_NETS, key, snat.publicIp()));
    }

    static List<NftElement> eipElements(EipTO eip, DesiredState state, Function<String, String> ifnameOfMac) {
        List<NftElement> elements = new ArrayList<>(3);
        elements.add(new NftElement(EIP_DNAT, eip.vipIp(), eip.guestIp()));
        elements.add(new NftElement(EIP_SNAT, quote(ifnameOfMac.apply(eip.publicMac())) + " . " + eip.guestIp(),
                eip.vipIp()));
        if (eip.snatInboundTraffic()) {
            NicInfo guestNic = state.nic(eip.privateMac());
            elements.add(new NftElement(EIP_INBOUND, eip.guestIp(), guestNic.ip()));
        }
        return elements;
    }

    static List<NftElement> portForwardingElements(PortForwardingRuleTO rule) {
        String proto = rule.protocolType().toLowerCase(Locale.ROOT);
        int start = rule.vipPortStart();
        int offset = rule.privatePortStart() - start;
        List<NftElement> elements = new ArrayList<>(rule.vipPortEnd() - start + 1);
        String acl = rule.allowedCidr() == null ? null : "goto " + aclChain(rule);
        for (int port = start; port <= rule.vipPortEnd(); port++) {
            String key = proto + " . " + rule.vipIp() + " . " + port;
            elements.add(new NftElement(PF_DNAT, key, rule.privateIp() + " . " + (port + offset)));
            if (acl != null) {
                elements.add(new NftElement(PF_ACL, key, acl));
            }
        }
        return elements;
    }

    /**
     * The chain of a rule with an allowedCidr: named after the rule's uuid, or a hash of it when the uuid holds
     * characters nft names cannot, so the same rule always gets the same chain.
     */
    static String aclChain(PortForwardingRuleTO rule) {
        if (SAFE_UUID.matcher(rule.uuid()).matches()) {
            return PF_ACL_CHAIN_PREFIX + rule.uuid(); // ZStack's uuids: 32 hex digits, nothing to hash
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(rule.uuid().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return PF_ACL_CHAIN_PREFIX + java.util.HexFormat.of().formatHex(hash, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Reached by goto: a dropped packet stops here; any other falls back to the base chain's accept policy. */
    private static String aclRule(PortForwardingRuleTO rule) {
        return "ip saddr != " + rule.allowedCidr() + " drop";
    }

    private static void addAll(Map<String, List<NftElement>> elements, List<NftElement> list) {
        for (NftElement e : list) {
            elements.get(e.set()).add(e);
        }
    }

    static String quote(String ifname) {
        return "\"" + ifname + "\"";
    }
}
