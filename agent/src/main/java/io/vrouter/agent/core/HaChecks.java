package io.vrouter.agent.core;

import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.agent.state.DesiredState;

/** The checks of {@code /configureha}, each naming its field; nothing changes when one fails. */
final class HaChecks {
    private HaChecks() {
    }

    static void check(HaConfig cmd, DesiredState state) {
        if (cmd.virtualRouterId() < 1 || cmd.virtualRouterId() > 255) {
            throw new InvalidCommandException("virtualRouterId: " + cmd.virtualRouterId() + " is outside 1-255");
        }
        if (cmd.advertIntervalMillis() < 10 || cmd.advertIntervalMillis() > 40_950) {
            throw new InvalidCommandException("advertIntervalMillis: " + cmd.advertIntervalMillis()
                    + " is outside 10-40950 (VRRPv3 counts centiseconds)");
        }
        Checks.nicMac("vrrpNicMac", cmd.vrrpNicMac(), state);
        Checks.nicMac("syncNicMac", cmd.syncNicMac(), state);
        Checks.optionalIp("peerAddress", cmd.peerAddress());
        Checks.optionalIp("syncPeerAddress", cmd.syncPeerAddress());
        Checks.list("floatingAddresses", cmd.floatingAddresses());
        for (int i = 0; i < cmd.floatingAddresses().size(); i++) {
            HaConfig.FloatingAddress a = cmd.floatingAddresses().get(i);
            Checks.ip("floatingAddresses[" + i + "].ip", a.ip());
            if (a.prefixLength() < 1 || a.prefixLength() > 32) {
                throw new InvalidCommandException("floatingAddresses[" + i + "].prefixLength: " + a.prefixLength()
                        + " is outside 1-32");
            }
            Checks.nicMac("floatingAddresses[" + i + "].nicMac", a.nicMac(), state);
        }
        Checks.list("monitorIps", cmd.monitorIps());
        for (int i = 0; i < cmd.monitorIps().size(); i++) {
            Checks.ip("monitorIps[" + i + "]", cmd.monitorIps().get(i));
        }
    }
}
