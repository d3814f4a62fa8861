package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/**
 * {@code /host/reconcile}: the VMs the database says run on this host. The agent removes what of the installation
 * belongs to no VM of the list and brings every listed VM back to running (nothing changes for one that runs).
 */
public record ReconcileCmd(String hostUuid, List<VmTO> running) {
    public ReconcileCmd {
        running = List.copyOf(running);
    }
}
