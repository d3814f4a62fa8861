package io.vrouter.agent.core;

import io.vrouter.agent.state.Changes;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.protocol.VipTO;
import io.vrouter.agent.protocol.VipsCmd;
import java.util.ArrayList;
import java.util.List;

/** {@code /createvip} (incremental, or a full sync with {@code syncVip}), {@code /syncvip} and {@code /removevip}. */
final class VipPlanner {

    private VipPlanner() {
    }

    static StateDelta create(DesiredState state, VipsCmd cmd) {
        List<VipTO> vips = normalizeAll(state, cmd);
        if (cmd.syncVip()) {
            return StateDelta.builder().fullSync().vips(Changes.replace(state.vips(), vips, DesiredState::key))
                    .build();
        }
        return StateDelta.builder().vips(Changes.put(state.vips(), vips, DesiredState::key)).build();
    }

    static StateDelta sync(DesiredState state, VipsCmd cmd) {
        return StateDelta.builder().fullSync()
                .vips(Changes.replace(state.vips(), normalizeAll(state, cmd), DesiredState::key)).build();
    }

    static StateDelta remove(DesiredState state, VipsCmd cmd) {
        List<VipTO> vips = Checks.list("vips", Checks.required("body", cmd).vips());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < vips.size(); i++) {
            keys.add(Checks.ip("vips[" + i + "].ip", vips.get(i).ip()));
        }
        return StateDelta.builder().vips(Changes.remove(state.vips(), keys)).build();
    }

    private static List<VipTO> normalizeAll(DesiredState state, VipsCmd cmd) {
        List<VipTO> vips = Checks.list("vips", Checks.required("body", cmd).vips());
        List<VipTO> normalized = new ArrayList<>(vips.size());
        for (int i = 0; i < vips.size(); i++) {
            String where = "vips[" + i + "]";
            VipTO v = vips.get(i);
            normalized.add(new VipTO(Checks.ip(where + ".ip", v.ip()), Checks.netmask(where + ".netmask", v.netmask()),
                    Checks.optionalIp(where + ".gateway", v.gateway()),
                    Checks.nicMac(where + ".ownerEthernetMac", v.ownerEthernetMac(), state), v.vipUuid()));
        }
        return normalized;
    }
}
