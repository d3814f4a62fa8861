package io.vrouter.server.vm;

import io.vrouter.server.api.ApiException;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static io.vrouter.server.db.Columns.field;

/**
 * Chooses the host of a new VM: an Enabled, Connected host of the zone (and of the cluster or the host asked for)
 * whose cluster has every L2 of the VM's L3s attached. Among those, a random one, so that concurrent creations
 * spread instead of piling onto the first host.
 */
final class Placement {
    private final DSLContext dsl;

    Placement(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Where a VM goes. */
    record Host(String uuid, String clusterUuid, String zoneUuid, String hypervisorType) {
    }

    Host choose(String zoneUuid, String clusterUuid, String hostUuid, Set<String> l2Uuids) {
        var host = DSL.table(DSL.unquotedName("host")).as("h");
        var condition = field("h", "zone_uuid", String.class).eq(zoneUuid)
                .and(field("h", "state", String.class).eq("Enabled"))
                .and(field("h", "status", String.class).eq("Connected"));
        if (clusterUuid != null) {
            condition = condition.and(field("h", "cluster_uuid", String.class).eq(clusterUuid));
        }
        if (hostUuid != null) {
            condition = condition.and(field("h", "uuid", String.class).eq(hostUuid));
        }
        for (String l2 : l2Uuids) {
            condition = condition.andExists(DSL.selectOne().from(DSL.table(DSL.unquotedName("l2_network_cluster_ref")).as("r"))
                    .where(field("r", "cluster_uuid", String.class).eq(field("h", "cluster_uuid", String.class)))
                    .and(field("r", "l2_network_uuid", String.class).eq(l2)));
        }
        List<Record> candidates = new ArrayList<>(dsl.select(field("h", "uuid", String.class), field("h", "cluster_uuid", String.class),
                        field("h", "zone_uuid", String.class), field("h", "hypervisor_type", String.class))
                .from(host).where(condition).limit(64).fetch());
        if (candidates.isEmpty()) {
            throw ApiException.operationFailed("no host to place the VM on: need an Enabled, Connected host in zone " + zoneUuid
                    + (clusterUuid != null ? ", cluster " + clusterUuid : "") + (hostUuid != null ? ", host " + hostUuid : "")
                    + " whose cluster has L2 network(s) " + l2Uuids + " attached");
        }
        Record r = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
        return new Host(r.get(0, String.class), r.get(1, String.class), r.get(2, String.class), r.get(3, String.class));
    }

    /** The L3's zone, L2, system flag and state, or empty. */
    record L3(String uuid, String zoneUuid, String l2Uuid, boolean system, String state) {
    }

    Optional<L3> l3(String uuid) {
        return dsl.select(field("uuid", String.class), field("zone_uuid", String.class), field("l2_network_uuid", String.class),
                        field("system_network", Boolean.class), field("state", String.class))
                .from(DSL.table(DSL.unquotedName("l3_network"))).where(field("uuid", String.class).eq(uuid))
                .fetchOptional(r -> new L3(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
    }
}
