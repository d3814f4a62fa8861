package io.vrouter.agent.core;

import io.vrouter.agent.state.Changes;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.protocol.EipCmd;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.SyncEipCmd;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code /createeip}, {@code /removeeip} and {@code /synceip}. */
final class EipPlanner {

    private EipPlanner() {
    }

    static StateDelta create(DesiredState state, EipCmd cmd) {
        EipTO eip = normalize("eip", Checks.required("eip", Checks.required("body", cmd).eip()), state);
        EipTO other = guestTaken(state, eip);
        if (other != null) {
            throw new InvalidCommandException("eip.guestIp: " + eip.guestIp() + " already has EIP " + other.vipIp());
        }
        return StateDelta.builder().eips(Changes.put(state.eips(), List.of(eip), DesiredState::key)).build();
    }

    static StateDelta remove(DesiredState state, EipCmd cmd) {
        EipTO eip = Checks.required("eip", Checks.required("body", cmd).eip());
        String vip = Checks.ip("eip.vipIp", eip.vipIp());
        return StateDelta.builder().eips(Changes.remove(state.eips(), List.of(vip))).build();
    }

    static StateDelta sync(DesiredState state, SyncEipCmd cmd) {
        List<EipTO> eips = Checks.list("eips", Checks.required("body", cmd).eips());
        List<EipTO> normalized = new ArrayList<>(eips.size());
        Set<String> guests = new HashSet<>();
        for (int i = 0; i < eips.size(); i++) {
            EipTO eip = normalize("eips[" + i + "]", eips.get(i), state);
            if (!guests.add(eip.guestIp())) {
                throw new InvalidCommandException("eips[" + i + "].guestIp: " + eip.guestIp()
                        + " appears in two EIPs; a guest IP can have only one");
            }
            normalized.add(eip);
        }
        return StateDelta.builder().fullSync().eips(Changes.replace(state.eips(), normalized, DesiredState::key))
                .build();
    }

    /** One guest IP maps to one VIP, else its outbound SNAT would be ambiguous. */
    private static EipTO guestTaken(DesiredState state, EipTO eip) {
        for (EipTO e : state.eips().values()) {
            if (e.guestIp().equals(eip.guestIp()) && !e.vipIp().equals(eip.vipIp())) {
                return e;
            }
        }
        return null;
    }

    private static EipTO normalize(String where, EipTO e, DesiredState state) {
        return new EipTO(Checks.ip(where + ".vipIp", e.vipIp()),
                Checks.nicMac(where + ".privateMac", e.privateMac(), state),
                Checks.nicMac(where + ".publicMac", e.publicMac(), state),
                Checks.ip(where + ".guestIp", e.guestIp()), e.snatInboundTraffic());
    }
}
