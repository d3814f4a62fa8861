package io.vrouter.server.cluster;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.deletion.DeletionGuard;
import io.vrouter.server.deletion.DeletionGuards;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.zone.Zones;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.util.Optional;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.cluster.ClusterTables.CLUSTER;
import static io.vrouter.server.cluster.ClusterTables.ZONE_UUID;
import static io.vrouter.server.cluster.ClusterTables.HYPERVISOR_TYPE;
import static io.vrouter.server.cluster.ClusterTables.STATE;
import static io.vrouter.server.cluster.ClusterTables.CLUSTER_TYPE;

/**
 * Clusters of hosts of one hypervisor type in a zone. A cluster is deleted only when it has no host and no VM;
 * its L2 attachments go with it.
 */
public final class Clusters {
    public static final String RESOURCE_TYPE = "ClusterVO";
    /** The hypervisor types a cluster can have; a host must match its cluster's. */
    public static final String SIMULATOR = "Simulator";
    public static final String NETNS = "Netns";
    static final String INVENTORY = "Cluster";


    private final DSLContext dsl;
    private final Clock clock;
    private final Tags tags;
    private final DeletionGuards deletionGuards = new DeletionGuards();
    private QueryApis queries;

    public Clusters(DSLContext dsl, Clock clock, Tags tags, ResourceTypes resourceTypes) {
        this.dsl = dsl;
        this.clock = clock;
        this.tags = tags;
        resourceTypes.register(RESOURCE_TYPE, "cluster");
    }

    // ---------------------------------------------------------------- read API for other packages

    public Optional<ClusterRecord> find(String clusterUuid) {
        return find(dsl, clusterUuid, false);
    }

    /**
     * Locks the cluster's row for the rest of the caller's transaction (so it cannot be deleted meanwhile) and
     * returns it; RESOURCE_NOT_FOUND when it does not exist.
     */
    public static ClusterRecord lockExisting(DSLContext tx, String clusterUuid) {
        return find(tx, clusterUuid, true).orElseThrow(() -> ApiException.notFound(RESOURCE_TYPE, clusterUuid));
    }

    private static Optional<ClusterRecord> find(DSLContext ctx, String clusterUuid, boolean lock) {
        var select = ctx.select(UUID, NAME, ZONE_UUID, HYPERVISOR_TYPE, STATE).from(CLUSTER).where(UUID.eq(clusterUuid));
        Optional<? extends Record> row = lock ? select.forUpdate().fetchOptional() : select.fetchOptional();
        return row.map(r -> new ClusterRecord(r.get(UUID), r.get(NAME), r.get(ZONE_UUID), r.get(HYPERVISOR_TYPE), r.get(STATE)));
    }

    /** A child package's check that a cluster may be deleted (what of its own still stands in the cluster). */
    public void registerDeletionGuard(DeletionGuard guard) {
        deletionGuards.register(guard);
    }

    /** Refuses deleting a zone that still has clusters. */
    public void registerDeletionGuards(Zones zones) {
        zones.registerDeletionGuard((tx, zoneUuid, inTheWay) -> inTheWay.named("cluster(s)", CLUSTER, ZONE_UUID.eq(zoneUuid)));
    }

    // ---------------------------------------------------------------- operations

    String create(String zoneUuid, String name, String hypervisorType, String description) {
        String uuid = Uuid.random();
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Zones.lockExisting(tx, zoneUuid);
            LocalDateTime now = clock.utcNow();
            tx.insertInto(CLUSTER).columns(UUID, NAME, DESCRIPTION, ZONE_UUID, HYPERVISOR_TYPE, STATE, CLUSTER_TYPE, CREATE_DATE, LAST_OP_DATE)
                    .values(uuid, name, description, zoneUuid, hypervisorType, ClusterState.Enabled.name(), "zstack", now, now)
                    .execute();
        });
        return uuid;
    }

    void delete(String uuid) {
        // its L2 attachments (l2_network_cluster_ref) go by ON DELETE CASCADE
        deletionGuards.deleteUnlessInTheWay(dsl, uuid, "cluster " + uuid, tx -> lockExisting(tx, uuid),
                tx -> tx.deleteFrom(CLUSTER).where(UUID.eq(uuid)).execute());
        tags.deleteAllOf(uuid);
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        this.queries = queries;
        registry.register(Inventory.builder(INVENTORY, "cluster")
                .strings("uuid", "name", "description", "zoneUuid", "hypervisorType", "state")
                .field("type", "cluster_type", FieldType.STRING)
                .dates()
                .expand(Expansion.one("zone", "Zone", "zoneUuid", "uuid"))
                .build());
        queries.register("QueryCluster", INVENTORY, "clusters");
        catalogue.register(ApiDefinition.of("CreateCluster", "Create a cluster of hosts of one hypervisor type in a zone",
                call -> inventory(create(call.string("zoneUuid"), call.string("name"), call.string("hypervisorType"),
                        call.optString("description").orElse(null))),
                ApiParam.required("zoneUuid", ParamType.UUID, "the zone"),
                ApiParam.required("name", ParamType.STRING, "the cluster's name").withRange(1, 255),
                ApiParam.required("hypervisorType", ParamType.STRING, "the hypervisor of its hosts").withChoices(SIMULATOR, NETNS),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
        catalogue.register(ApiDefinition.of("DeleteCluster", "Delete a cluster that has no host and no VM",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the cluster")));
    }

    private Replies.InventoryReply inventory(String uuid) {
        return Replies.inventory(queries.inventory(INVENTORY, uuid));
    }
}
