package io.vrouter.server.l2;

import io.vrouter.server.deletion.InTheWay;
import org.jooq.DSLContext;

/**
 * A child package's check that an L2 network may be detached from a cluster: it adds what of its own still uses
 * the L2 in that cluster (the VM package: VMs of the cluster with nics on the L2's L3 networks). Runs inside the
 * detaching transaction, with the L2's and the cluster's rows locked.
 */
@FunctionalInterface
public interface ClusterDetachGuard {
    void collect(DSLContext tx, String l2Uuid, String clusterUuid, InTheWay inTheWay);
}
