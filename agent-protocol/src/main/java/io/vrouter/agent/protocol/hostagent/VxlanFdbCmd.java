package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/**
 * {@code /network/vxlan/populatefdb} (after ZStack's): the VXLAN L2s of a pool as this host must flood them now (each
 * {@link L2TO#vxlan}: VNI, this host's VTEP, the peers). The agent updates the FDB of those it realizes (a VM of the
 * L2 runs here) and ignores the others, which get their whole state with their first VM.
 */
public record VxlanFdbCmd(List<L2TO> networks) {
    public VxlanFdbCmd {
        networks = List.copyOf(networks);
    }
}
