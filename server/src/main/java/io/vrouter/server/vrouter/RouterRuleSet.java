package io.vrouter.server.vrouter;

import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.VipTO;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The rules part of a router's state (VIPs, EIPs, port forwarding) kept <em>by rule</em>, so that a change of a few
 * rules is applied to it in the time of those rules, not of all of them.
 *
 * <p>A rule is <em>placed</em> on the router when it is Enabled and attached to a nic of a Running VM on one of the
 * router's guest L3s, whatever its VIP's state and the L3's services: a placed rule keeps its VIP on the router
 * while the VIP is Enabled. It is <em>served</em> (an EIP or a port forwarding rule in the agent's terms) when its
 * VIP is Enabled and the L3 has the kind's service from the virtual router. A VIP is held while at least one placed
 * rule stands on it, which the set counts per VIP ({@code rulesOfVip}).
 *
 * <p>Read whole by {@link DesiredRouterState}, or for a few rules only ({@link DesiredRouterState.RuleSource#only});
 * {@link RouterSync} keeps the last set it sent per router and {@link #replace}s the rules a change touched.
 */
final class RouterRuleSet {
    /** A placed rule's VIP, by rule uuid (every kind). */
    private final Map<String, String> vipOfRule = new HashMap<>();
    /** The placed rules on each VIP: the VIP is held while this is not empty. */
    private final Map<String, Set<String>> rulesOfVip = new HashMap<>();
    /** The VIPs of placed rules, by VIP uuid; only Enabled VIPs. */
    private final Map<String, VipTO> vips = new LinkedHashMap<>();
    private final Map<String, EipTO> eips = new LinkedHashMap<>();
    private final Map<String, PortForwardingRuleTO> portForwardings = new LinkedHashMap<>();

    /** A placed rule; {@code vip} is null while the VIP is Disabled. */
    void place(String ruleUuid, String vipUuid, VipTO vip) {
        vipOfRule.put(ruleUuid, vipUuid);
        rulesOfVip.computeIfAbsent(vipUuid, v -> new HashSet<>()).add(ruleUuid);
        if (vip != null) {
            vips.put(vipUuid, vip);
        }
    }

    void serve(String ruleUuid, EipTO eip) {
        eips.put(ruleUuid, eip);
    }

    void serve(String ruleUuid, PortForwardingRuleTO rule) {
        portForwardings.put(ruleUuid, rule);
    }

    List<VipTO> vips() {
        return new ArrayList<>(vips.values());
    }

    List<EipTO> eips() {
        return new ArrayList<>(eips.values());
    }

    List<PortForwardingRuleTO> portForwardings() {
        return new ArrayList<>(portForwardings.values());
    }

    /**
     * What a change of some rules does to the router: the touched rules and VIPs as the router held them
     * ({@code before}) and as it should hold them now ({@code after}); equal entries on both sides need nothing sent.
     */
    record Delta(List<VipTO> vipsBefore, List<EipTO> eipsBefore, List<PortForwardingRuleTO> portForwardingsBefore,
                 List<VipTO> vipsAfter, List<EipTO> eipsAfter, List<PortForwardingRuleTO> portForwardingsAfter) {
    }

    /**
     * Replaces these rules by what {@code now} (read for these rules only) says of them, and returns what changed.
     * A VIP that a replaced rule left keeps its entry while other placed rules stand on it: the VIP itself did not
     * change (a VIP's state change syncs the whole router).
     */
    Delta replace(Collection<String> ruleUuids, RouterRuleSet now) {
        List<EipTO> eipsBefore = new ArrayList<>();
        List<EipTO> eipsAfter = new ArrayList<>();
        List<PortForwardingRuleTO> pfBefore = new ArrayList<>();
        List<PortForwardingRuleTO> pfAfter = new ArrayList<>();
        Set<String> touchedVips = new LinkedHashSet<>();
        for (String rule : ruleUuids) {
            String vip = vipOfRule.remove(rule);
            if (vip != null) {
                touchedVips.add(vip);
                rulesOfVip.get(vip).remove(rule);
            }
            addIfPresent(eipsBefore, eips.remove(rule));
            addIfPresent(pfBefore, portForwardings.remove(rule));
            String newVip = now.vipOfRule.get(rule);
            if (newVip != null) {
                touchedVips.add(newVip);
                vipOfRule.put(rule, newVip);
                rulesOfVip.computeIfAbsent(newVip, v -> new HashSet<>()).add(rule);
            }
            EipTO eip = now.eips.get(rule);
            if (eip != null) {
                eips.put(rule, eip);
                eipsAfter.add(eip);
            }
            PortForwardingRuleTO pf = now.portForwardings.get(rule);
            if (pf != null) {
                portForwardings.put(rule, pf);
                pfAfter.add(pf);
            }
        }
        List<VipTO> vipsBefore = new ArrayList<>();
        List<VipTO> vipsAfter = new ArrayList<>();
        for (String vip : touchedVips) {
            VipTO before = vips.get(vip);
            Set<String> standing = rulesOfVip.getOrDefault(vip, Set.of());
            // fresh when a replaced rule still stands on it, else the entry kept from before
            VipTO after = standing.isEmpty() ? null : now.rulesOfVip.containsKey(vip) ? now.vips.get(vip) : before;
            if (standing.isEmpty()) {
                rulesOfVip.remove(vip);
            }
            if (after == null) {
                vips.remove(vip);
            } else {
                vips.put(vip, after);
            }
            if (!Objects.equals(before, after)) {
                addIfPresent(vipsBefore, before);
                addIfPresent(vipsAfter, after);
            }
        }
        return new Delta(vipsBefore, eipsBefore, pfBefore, vipsAfter, eipsAfter, pfAfter);
    }

    private static <T> void addIfPresent(List<T> list, T item) {
        if (item != null) {
            list.add(item);
        }
    }
}
