package io.vrouter.agent.core;

import io.vrouter.agent.state.Changes;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.NicsCmd;
import java.util.ArrayList;
import java.util.List;

/** {@code /configurenic} and {@code /removenic}. */
final class NicPlanner {

    private NicPlanner() {
    }

    static StateDelta configure(DesiredState state, NicsCmd cmd) {
        List<NicInfo> nics = Checks.list("nics", Checks.required("body", cmd).nics());
        List<NicInfo> normalized = new ArrayList<>(nics.size());
        for (int i = 0; i < nics.size(); i++) {
            normalized.add(normalize("nics[" + i + "]", nics.get(i)));
        }
        return StateDelta.builder().nics(Changes.put(state.nics(), normalized, DesiredState::key)).build();
    }

    static StateDelta remove(DesiredState state, NicsCmd cmd) {
        List<NicInfo> nics = Checks.list("nics", Checks.required("body", cmd).nics());
        List<String> macs = new ArrayList<>();
        for (int i = 0; i < nics.size(); i++) {
            String mac = Checks.mac("nics[" + i + "].mac", nics.get(i).mac());
            String user = userOf(state, mac);
            if (user != null) {
                throw new InvalidCommandException("nics[" + i + "]: nic " + mac + " is still used by " + user
                        + "; remove that first");
            }
            macs.add(mac);
        }
        return StateDelta.builder().nics(Changes.remove(state.nics(), macs)).build();
    }

    private static NicInfo normalize(String where, NicInfo nic) {
        String mac = Checks.mac(where + ".mac", nic.mac());
        Checks.ip(where + ".ip", nic.ip());
        Checks.netmask(where + ".netmask", nic.netmask());
        String gateway = Checks.optionalIp(where + ".gateway", nic.gateway());
        Checks.mtu(where + ".mtu", nic.mtu());
        return new NicInfo(nic.ip(), mac, gateway, nic.netmask(), nic.isDefaultRoute(), nic.category(), nic.l2type(),
                nic.vni(), nic.mtu());
    }

    /** What still refers to the nic, for an error message; null when nothing does. */
    private static String userOf(DesiredState state, String mac) {
        for (var d : state.dhcp().values()) {
            if (mac.equals(d.vrNicMac())) {
                return "DHCP entry " + d.mac();
            }
        }
        for (var s : state.snats().values()) {
            if (mac.equals(s.publicNicMac()) || mac.equals(s.privateNicMac())) {
                return "SNAT of " + s.privateNicIp();
            }
        }
        for (var v : state.vips().values()) {
            if (mac.equals(v.ownerEthernetMac())) {
                return "VIP " + v.ip();
            }
        }
        for (var e : state.eips().values()) {
            if (mac.equals(e.publicMac()) || mac.equals(e.privateMac())) {
                return "EIP " + e.vipIp();
            }
        }
        for (var r : state.portForwardings().values()) {
            if (mac.equals(r.publicMac()) || mac.equals(r.privateMac())) {
                return "port forwarding rule " + r.uuid();
            }
        }
        return null;
    }
}
