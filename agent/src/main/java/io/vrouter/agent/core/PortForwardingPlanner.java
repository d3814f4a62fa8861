package io.vrouter.agent.core;

import io.vrouter.agent.state.Changes;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.protocol.PortForwardingCmd;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code /createportforwarding}, {@code /revokeportforwarding} and {@code /syncportforwarding}. Rules of one
 * protocol on one VIP must not overlap (closed intervals): the kernel map could not say which one wins.
 */
final class PortForwardingPlanner {

    private static final Comparator<PortForwardingRuleTO> BY_PORTS = Comparator
            .comparing(PortForwardingRuleTO::protocolType)
            .thenComparing(PortForwardingRuleTO::vipIp)
            .thenComparing(PortForwardingRuleTO::vipPortStart);

    private PortForwardingPlanner() {
    }

    static StateDelta create(DesiredState state, PortForwardingCmd cmd) {
        List<PortForwardingRuleTO> rules = normalizeAll(cmd, state);
        List<PortForwardingRuleTO> accepted = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            PortForwardingRuleTO rule = rules.get(i);
            for (PortForwardingRuleTO other : state.portForwardings().values()) {
                if (!other.uuid().equals(rule.uuid()) && overlap(rule, other)) {
                    throw overlapError("rules[" + i + "]", rule, other);
                }
            }
            for (PortForwardingRuleTO other : accepted) {
                if (!other.uuid().equals(rule.uuid()) && overlap(rule, other)) {
                    throw overlapError("rules[" + i + "]", rule, other);
                }
            }
            accepted.add(rule);
        }
        return StateDelta.builder()
                .portForwardings(Changes.put(state.portForwardings(), rules, DesiredState::key)).build();
    }

    static StateDelta revoke(DesiredState state, PortForwardingCmd cmd) {
        List<PortForwardingRuleTO> rules = Checks.list("rules", Checks.required("body", cmd).rules());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            keys.add(Checks.required("rules[" + i + "].uuid", rules.get(i).uuid()));
        }
        return StateDelta.builder().portForwardings(Changes.remove(state.portForwardings(), keys)).build();
    }

    static StateDelta sync(DesiredState state, PortForwardingCmd cmd) {
        List<PortForwardingRuleTO> rules = normalizeAll(cmd, state);
        List<PortForwardingRuleTO> sorted = new ArrayList<>(rules);
        sorted.sort(BY_PORTS);
        for (int i = 1; i < sorted.size(); i++) {
            PortForwardingRuleTO a = sorted.get(i - 1);
            PortForwardingRuleTO b = sorted.get(i);
            if (overlap(a, b) && !a.uuid().equals(b.uuid())) {
                throw overlapError("rule " + b.uuid(), b, a);
            }
        }
        return StateDelta.builder().fullSync()
                .portForwardings(Changes.replace(state.portForwardings(), rules, DesiredState::key)).build();
    }

    private static List<PortForwardingRuleTO> normalizeAll(PortForwardingCmd cmd, DesiredState state) {
        List<PortForwardingRuleTO> rules = Checks.list("rules", Checks.required("body", cmd).rules());
        List<PortForwardingRuleTO> normalized = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            normalized.add(normalize("rules[" + i + "]", rules.get(i), state));
        }
        return normalized;
    }

    static PortForwardingRuleTO normalize(String where, PortForwardingRuleTO r, DesiredState state) {
        String uuid = Checks.required(where + ".uuid", r.uuid());
        if (uuid.isBlank()) {
            throw new InvalidCommandException(where + ".uuid: empty");
        }
        String protocol = Checks.required(where + ".protocolType", r.protocolType()).toUpperCase(Locale.ROOT);
        if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
            throw new InvalidCommandException(where + ".protocolType: unknown protocol '" + r.protocolType()
                    + "' (TCP or UDP)");
        }
        int vipStart = Checks.port(where + ".vipPortStart", r.vipPortStart());
        int vipEnd = r.vipPortEnd() == null ? vipStart : Checks.port(where + ".vipPortEnd", r.vipPortEnd());
        int privateStart = r.privatePortStart() == null ? vipStart
                : Checks.port(where + ".privatePortStart", r.privatePortStart());
        int privateEnd = r.privatePortEnd() == null ? privateStart + (vipEnd - vipStart)
                : Checks.port(where + ".privatePortEnd", r.privatePortEnd());
        if (vipStart > vipEnd) {
            throw new InvalidCommandException(where + ": vipPortStart " + vipStart + " is after vipPortEnd " + vipEnd);
        }
        if (privateStart > privateEnd) {
            throw new InvalidCommandException(where + ": privatePortStart " + privateStart
                    + " is after privatePortEnd " + privateEnd);
        }
        if (vipEnd - vipStart != privateEnd - privateStart) {
            throw new InvalidCommandException(where + ": VIP range " + vipStart + "-" + vipEnd + " ("
                    + (vipEnd - vipStart + 1) + " ports) and private range " + privateStart + "-" + privateEnd + " ("
                    + (privateEnd - privateStart + 1) + " ports) differ in size");
        }
        String allowed = r.allowedCidr() == null || r.allowedCidr().isEmpty() ? null
                : Checks.cidr(where + ".allowedCidr", r.allowedCidr());
        return new PortForwardingRuleTO(uuid, vipStart, vipEnd, privateStart, privateEnd, protocol,
                Checks.ip(where + ".vipIp", r.vipIp()), Checks.nicMac(where + ".publicMac", r.publicMac(), state),
                Checks.ip(where + ".privateIp", r.privateIp()),
                r.privateMac() == null ? null : Checks.nicMac(where + ".privateMac", r.privateMac(), state), allowed,
                r.snatInboundTraffic());
    }

    private static boolean overlap(PortForwardingRuleTO a, PortForwardingRuleTO b) {
        return a.protocolType().equals(b.protocolType()) && a.vipIp().equals(b.vipIp())
                && a.vipPortStart() <= b.vipPortEnd() && b.vipPortStart() <= a.vipPortEnd();
    }

    private static InvalidCommandException overlapError(String where, PortForwardingRuleTO rule,
            PortForwardingRuleTO other) {
        return new InvalidCommandException(where + ": " + rule.protocolType() + " " + rule.vipIp() + ":"
                + rule.vipPortStart() + "-" + rule.vipPortEnd() + " overlaps rule " + other.uuid() + " ("
                + other.vipPortStart() + "-" + other.vipPortEnd() + ")");
    }
}
