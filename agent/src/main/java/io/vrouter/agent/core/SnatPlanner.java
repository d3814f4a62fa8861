package io.vrouter.agent.core;

import io.vrouter.agent.state.Changes;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.protocol.RemoveSnatCmd;
import io.vrouter.agent.protocol.SNATInfo;
import io.vrouter.agent.protocol.SetSnatCmd;
import io.vrouter.agent.protocol.SyncSnatCmd;
import java.util.ArrayList;
import java.util.List;

/** {@code /setsnat}, {@code /removesnat} and {@code /syncsnat}. Unlike ZStack, sync also removes stale SNATs. */
final class SnatPlanner {

    private SnatPlanner() {
    }

    static StateDelta set(DesiredState state, SetSnatCmd cmd) {
        SNATInfo snat = normalize("snat", Checks.required("snat", Checks.required("body", cmd).snat()), state);
        return StateDelta.builder().snats(Changes.put(state.snats(), List.of(snat), DesiredState::key)).build();
    }

    static StateDelta remove(DesiredState state, RemoveSnatCmd cmd) {
        List<SNATInfo> snats = Checks.list("natInfo", Checks.required("body", cmd).natInfo());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < snats.size(); i++) {
            keys.add(Checks.mac("natInfo[" + i + "].privateNicMac", snats.get(i).privateNicMac()));
        }
        return StateDelta.builder().snats(Changes.remove(state.snats(), keys)).build();
    }

    static StateDelta sync(DesiredState state, SyncSnatCmd cmd) {
        Checks.required("body", cmd);
        List<SNATInfo> wanted = new ArrayList<>();
        if (cmd.enable()) {
            List<SNATInfo> snats = Checks.list("snats", cmd.snats());
            for (int i = 0; i < snats.size(); i++) {
                wanted.add(normalize("snats[" + i + "]", snats.get(i), state));
            }
        }
        return StateDelta.builder().fullSync().snats(Changes.replace(state.snats(), wanted, DesiredState::key))
                .build();
    }

    private static SNATInfo normalize(String where, SNATInfo s, DesiredState state) {
        String publicMac = Checks.nicMac(where + ".publicNicMac", s.publicNicMac(), state);
        String publicIp = Checks.ip(where + ".publicIp", s.publicIp());
        String privateMac = Checks.nicMac(where + ".privateNicMac", s.privateNicMac(), state);
        String privateIp = Checks.ip(where + ".privateNicIp", s.privateNicIp());
        String gateway = Checks.optionalIp(where + ".privateGatewayIp", s.privateGatewayIp());
        String netmask = Checks.netmask(where + ".snatNetmask", s.snatNetmask());
        return new SNATInfo(publicMac, publicIp, privateMac, privateIp, gateway, netmask);
    }
}
