package io.vrouter.server.vm;

import io.vrouter.server.cluster.Clusters;
import io.vrouter.server.host.Hosts;
import io.vrouter.server.image.Images;
import io.vrouter.server.l2.L2Networks;
import io.vrouter.server.l3.L3Networks;
import io.vrouter.server.offering.InstanceOfferings;
import io.vrouter.server.zone.Zones;
import org.jooq.impl.DSL;

import java.util.List;

import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.vm.VmTables.CLUSTER_UUID;
import static io.vrouter.server.vm.VmTables.HOST_UUID;
import static io.vrouter.server.vm.VmTables.IMAGE_UUID;
import static io.vrouter.server.vm.VmTables.INSTANCE_OFFERING_UUID;
import static io.vrouter.server.vm.VmTables.L3_NETWORK_UUID;
import static io.vrouter.server.vm.VmTables.NIC;
import static io.vrouter.server.vm.VmTables.STATE;
import static io.vrouter.server.vm.VmTables.VM;
import static io.vrouter.server.vm.VmTables.VM_INSTANCE_UUID;
import static io.vrouter.server.vm.VmTables.ZONE_UUID;

/** What of the VM package stands in the way of deleting (or detaching) its parents; the parents never read its tables. */
final class VmDeletionGuards {
    private VmDeletionGuards() {
    }

    static void register(Zones zones, Clusters clusters, Hosts hosts, L2Networks l2Networks, L3Networks l3Networks,
                         Images images, InstanceOfferings offerings) {
        zones.registerDeletionGuard((tx, zone, inTheWay) -> inTheWay.named("VM(s)", VM, ZONE_UUID.eq(zone)));
        clusters.registerDeletionGuard((tx, cluster, inTheWay) -> inTheWay.named("VM(s)", VM, CLUSTER_UUID.eq(cluster)));
        hosts.registerDeletionGuard((tx, host, inTheWay) -> inTheWay.named("VM(s)", VM, HOST_UUID.eq(host)));
        l3Networks.registerDeletionGuard((tx, l3, inTheWay) -> inTheWay.named("VM(s) with nics on it", VM,
                UUID.in(DSL.select(VM_INSTANCE_UUID).from(NIC).where(L3_NETWORK_UUID.eq(l3)))));
        l2Networks.registerDetachGuard((tx, l2, cluster, inTheWay) -> {
            List<String> l3s = l3Networks.uuidsOn(l2);
            inTheWay.named("VM(s) of the cluster have nics on it", VM, CLUSTER_UUID.eq(cluster)
                    .and(UUID.in(DSL.select(VM_INSTANCE_UUID).from(NIC).where(L3_NETWORK_UUID.in(l3s)))));
        });
        // a destroyed VM keeps its row until expunged but no longer holds its image (as before)
        images.registerDeletionGuard((tx, image, inTheWay) -> inTheWay.named("VM(s)", VM,
                IMAGE_UUID.eq(image).and(STATE.ne(VmState.Destroyed.name()))));
        offerings.registerDeletionGuard((tx, offering, inTheWay) -> inTheWay.named("VM(s)", VM, INSTANCE_OFFERING_UUID.eq(offering)));
    }
}
