package io.vrouter.server.l2;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.cluster.ClusterRecord;
import io.vrouter.server.cluster.Clusters;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.deletion.DeletionGuard;
import io.vrouter.server.deletion.DeletionGuards;
import io.vrouter.server.deletion.InTheWay;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.zone.Zones;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.l2.L2Tables.L2;
import static io.vrouter.server.l2.L2Tables.REF;
import static io.vrouter.server.l2.L2Tables.ZONE_UUID;
import static io.vrouter.server.l2.L2Tables.PHYSICAL_INTERFACE;
import static io.vrouter.server.l2.L2Tables.L2_TYPE;
import static io.vrouter.server.l2.L2Tables.VLAN_ID;
import static io.vrouter.server.l2.L2Tables.L2_NETWORK_UUID;
import static io.vrouter.server.l2.L2Tables.CLUSTER_UUID;
import static io.vrouter.server.l2.L2Tables.POOL_UUID;
import static io.vrouter.server.l2.L2Tables.VTEP_CIDR;
import static io.vrouter.server.l2.L2Tables.VXLAN;
import static io.vrouter.server.l2.L2Tables.VTEP;

/**
 * L2 networks: a physical interface of the hosts, with or without a VLAN, attached to the clusters whose hosts
 * have it. An L2 is deleted only when no L3 network stands on it; detaching it from a cluster is refused while
 * VMs of that cluster have nics on it.
 */
public final class L2Networks {
    public static final String RESOURCE_TYPE = "L2NetworkVO";
    public static final String NO_VLAN = "L2NoVlanNetwork";
    public static final String VLAN = "L2VlanNetwork";
    static final String INVENTORY = "L2Network";

    /** Linux interface names: at most 15 characters, no white space or slash. */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:-]{1,15}");


    private final DSLContext dsl;
    private final Clock clock;
    private final Tags tags;
    private final List<ClusterDetachGuard> detachGuards = new CopyOnWriteArrayList<>();
    private final DeletionGuards deletionGuards = new DeletionGuards();
    private final VxlanNetworks vxlan;
    private QueryApis queries;

    public L2Networks(DSLContext dsl, Clock clock, Tags tags, ResourceTypes resourceTypes) {
        this.dsl = dsl;
        this.clock = clock;
        this.tags = tags;
        this.vxlan = new VxlanNetworks(dsl, clock, this);
        resourceTypes.register(RESOURCE_TYPE, "l2_network");
        resourceTypes.register(VxlanNetworks.VNI_RANGE_RESOURCE_TYPE, "l2_vni_range");
        // a pool goes only when its networks have gone (its ranges go with it)
        registerDeletionGuard((tx, l2Uuid, inTheWay) -> inTheWay.named("VXLAN network(s)", L2,
                UUID.in(DSL.select(UUID).from(VXLAN).where(POOL_UUID.eq(l2Uuid)))));
    }

    /** The VXLAN pools, VNI ranges and VXLAN networks (an L2 kind of this package). */
    public VxlanNetworks vxlan() {
        return vxlan;
    }

    static boolean isInterfaceName(String name) {
        return INTERFACE.matcher(name).matches();
    }

    // ---------------------------------------------------------------- read API for other packages

    public Optional<L2NetworkRecord> find(String l2Uuid) {
        return find(dsl, l2Uuid, false);
    }

    /** The L2 read through the caller's context (for packages that hold no {@code L2Networks}). */
    public static Optional<L2NetworkRecord> find(DSLContext ctx, String l2Uuid) {
        return find(ctx, l2Uuid, false);
    }

    /** The uuids of the clusters the L2 is attached to, in attachment order. */
    public List<String> clustersOf(String l2Uuid) {
        return dsl.select(CLUSTER_UUID).from(REF).where(L2_NETWORK_UUID.eq(l2Uuid)).orderBy(CREATE_DATE, CLUSTER_UUID)
                .fetch(CLUSTER_UUID);
    }

    /** The L2 networks attached to a cluster (what a host joining it must be able to carry). */
    public List<L2NetworkRecord> attachedTo(String clusterUuid) {
        return dsl.select(L2_NETWORK_UUID).from(REF).where(CLUSTER_UUID.eq(clusterUuid)).orderBy(CREATE_DATE, L2_NETWORK_UUID)
                .fetch(L2_NETWORK_UUID).stream().map(this::find).flatMap(Optional::stream).toList();
    }

    /** The uuids of the clusters to which every one of {@code l2Uuids} is attached. */
    public Set<String> clustersAttachedToAll(Set<String> l2Uuids) {
        return Set.copyOf(dsl.select(CLUSTER_UUID).from(REF).where(L2_NETWORK_UUID.in(l2Uuids)).groupBy(CLUSTER_UUID)
                .having(DSL.countDistinct(L2_NETWORK_UUID).eq(l2Uuids.size())).fetch(CLUSTER_UUID));
    }

    /** Locks the L2's row for the rest of the caller's transaction and returns it; RESOURCE_NOT_FOUND if absent. */
    public static L2NetworkRecord lockExisting(DSLContext tx, String l2Uuid) {
        return find(tx, l2Uuid, true).orElseThrow(() -> ApiException.notFound(RESOURCE_TYPE, l2Uuid));
    }

    private static Optional<L2NetworkRecord> find(DSLContext ctx, String l2Uuid, boolean lock) {
        var select = ctx.select(UUID, NAME, ZONE_UUID, PHYSICAL_INTERFACE, L2_TYPE, VLAN_ID).from(L2).where(UUID.eq(l2Uuid));
        Optional<? extends Record> row = lock ? select.forUpdate().fetchOptional() : select.fetchOptional();
        return row.map(r -> new L2NetworkRecord(r.get(UUID), r.get(NAME), r.get(ZONE_UUID), r.get(PHYSICAL_INTERFACE),
                r.get(L2_TYPE), r.get(VLAN_ID)));
    }

    /**
     * Locks the L2 an L3 network is being created on: any L2 but a VXLAN pool, which only lends VNIs to its
     * VXLAN networks (ZStack refuses it too).
     */
    public static L2NetworkRecord lockForNewL3(DSLContext tx, String l2Uuid) {
        L2NetworkRecord l2 = lockExisting(tx, l2Uuid);
        if (VxlanNetworks.POOL.equals(l2.type())) {
            throw ApiException.invalidArgument("L2 network " + label(l2) + " is a VXLAN pool; create the L3 network on one of its"
                    + " VXLAN networks (CreateL2VxlanNetwork)");
        }
        return l2;
    }

    /** A child package's check that an L2 network may be deleted (what of its own stands on it). */
    public void registerDeletionGuard(DeletionGuard guard) {
        deletionGuards.register(guard);
    }

    /** A child package's check that an L2 may be detached from a cluster (what of its own uses the L2 there). */
    public void registerDetachGuard(ClusterDetachGuard guard) {
        detachGuards.add(guard);
    }

    /** Refuses deleting a zone that still has L2 networks. */
    public void registerDeletionGuards(Zones zones) {
        zones.registerDeletionGuard((tx, zoneUuid, inTheWay) -> inTheWay.named("L2 network(s)", L2, ZONE_UUID.eq(zoneUuid)));
    }

    // ---------------------------------------------------------------- operations

    String create(String zoneUuid, String name, String physicalInterface, Integer vlan, String description) {
        if (!INTERFACE.matcher(physicalInterface).matches()) {
            throw ApiException.invalidArgument("physicalInterface '" + physicalInterface
                    + "' is not an interface name (1-15 letters, digits or _ . : -)");
        }
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Zones.lockExisting(tx, zoneUuid);
            return insert(tx, zoneUuid, name, physicalInterface, vlan == null ? NO_VLAN : VLAN, vlan, description);
        });
    }

    /** Writes an L2's row inside the caller's transaction (which holds the zone's lock); returns its uuid. */
    String insert(DSLContext tx, String zoneUuid, String name, String physicalInterface, String type, Integer vlan, String description) {
        String uuid = Uuid.random();
        LocalDateTime now = clock.utcNow();
        tx.insertInto(L2).columns(UUID, NAME, DESCRIPTION, ZONE_UUID, PHYSICAL_INTERFACE, L2_TYPE, VLAN_ID, CREATE_DATE, LAST_OP_DATE)
                .values(uuid, name, description, zoneUuid, physicalInterface, type, vlan, now, now)
                .execute();
        return uuid;
    }

    void attach(String l2Uuid, String clusterUuid, List<String> systemTags) {
        // a pool's hosts must each have a VTEP address in the cidr: asked of their agents before anything is written
        Optional<L2NetworkRecord> pool = find(l2Uuid).filter(l2 -> VxlanNetworks.POOL.equals(l2.type()));
        if (pool.isPresent()) {
            vxlan.checkAttachment(l2Uuid, clusterUuid, VxlanNetworks.vtepCidrOf(pool.get(), clusterUuid, systemTags));
        }
        attachRow(l2Uuid, clusterUuid, systemTags);
        if (pool.isPresent()) {
            vxlan.attached(l2Uuid, clusterUuid);
        }
    }

    private void attachRow(String l2Uuid, String clusterUuid, List<String> systemTags) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            L2NetworkRecord l2 = lockExisting(tx, l2Uuid);
            ClusterRecord cluster = Clusters.lockExisting(tx, clusterUuid);
            String vtepCidr = VxlanNetworks.vtepCidrOf(l2, clusterUuid, systemTags);
            if (VxlanNetworks.NETWORK.equals(l2.type())) {
                throw ApiException.invalidArgument("VXLAN network " + label(l2) + " is attached where its pool "
                        + VxlanNetworks.poolOf(tx, l2Uuid) + " is; attach the pool to the cluster");
            }
            if (!l2.zoneUuid().equals(cluster.zoneUuid())) {
                throw ApiException.invalidArgument("L2 network " + label(l2) + " is in zone " + l2.zoneUuid()
                        + " but cluster " + cluster.name() + " (" + clusterUuid + ") is in zone " + cluster.zoneUuid()
                        + "; an L2 network can only be attached to clusters of its own zone");
            }
            if (tx.fetchExists(REF, L2_NETWORK_UUID.eq(l2Uuid).and(CLUSTER_UUID.eq(clusterUuid)))) {
                throw ApiException.conflict("L2 network " + label(l2) + " is already attached to cluster "
                        + cluster.name() + " (" + clusterUuid + ")");
            }
            // two L2s on one interface (and VLAN) would be the same wire in one cluster: ZStack refuses it too (a VXLAN
            // pool's wire is its VNIs, checked below)
            Condition sameWire = L2_TYPE.in(NO_VLAN, VLAN).and(PHYSICAL_INTERFACE.eq(l2.physicalInterface()))
                    .and(l2.vlan() == null ? VLAN_ID.isNull() : VLAN_ID.eq(l2.vlan()))
                    .and(UUID.in(DSL.select(L2_NETWORK_UUID).from(REF).where(CLUSTER_UUID.eq(clusterUuid))));
            var other = tx.select(NAME, UUID).from(L2).where(sameWire).limit(1).fetchOptional();
            if (other.isPresent() && !VxlanNetworks.POOL.equals(l2.type())) {
                throw ApiException.conflict("cluster " + cluster.name() + " (" + clusterUuid + ") already has L2 network "
                        + other.get().value1() + " (" + other.get().value2() + ") on interface " + l2.physicalInterface()
                        + (l2.vlan() == null ? " without VLAN" : " VLAN " + l2.vlan()));
            }
            VxlanNetworks.checkNoSharedVnis(tx, l2Uuid, VxlanNetworks.rangesOf(tx, l2Uuid), List.of(clusterUuid));
            LocalDateTime now = clock.utcNow();
            tx.insertInto(REF).columns(L2_NETWORK_UUID, CLUSTER_UUID, CREATE_DATE, VTEP_CIDR).values(l2Uuid, clusterUuid, now, vtepCidr)
                    .execute();
            // a pool's VXLAN networks are attached where it is
            for (String network : VxlanNetworks.networksOf(tx, l2Uuid)) {
                tx.insertInto(REF).columns(L2_NETWORK_UUID, CLUSTER_UUID, CREATE_DATE).values(network, clusterUuid, now).execute();
            }
        });
    }

    void detach(String l2Uuid, String clusterUuid) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            L2NetworkRecord l2 = lockExisting(tx, l2Uuid);
            ClusterRecord cluster = Clusters.lockExisting(tx, clusterUuid);
            if (!tx.fetchExists(REF, L2_NETWORK_UUID.eq(l2Uuid).and(CLUSTER_UUID.eq(clusterUuid)))) {
                throw ApiException.conflict("L2 network " + label(l2) + " is not attached to cluster "
                        + cluster.name() + " (" + clusterUuid + ")");
            }
            if (VxlanNetworks.NETWORK.equals(l2.type())) {
                throw ApiException.invalidArgument("VXLAN network " + label(l2) + " is attached where its pool "
                        + VxlanNetworks.poolOf(tx, l2Uuid) + " is; detach the pool from the cluster");
            }
            // a pool leaves with its VXLAN networks: each must be free to go
            List<String> leaving = new ArrayList<>(List.of(l2Uuid));
            leaving.addAll(VxlanNetworks.networksOf(tx, l2Uuid));
            InTheWay inTheWay = new InTheWay(tx);
            leaving.forEach(l2OrNetwork -> detachGuards.forEach(guard -> guard.collect(tx, l2OrNetwork, clusterUuid, inTheWay)));
            inTheWay.refuse("cannot detach L2 network " + label(l2) + " from cluster " + cluster.name() + " (" + clusterUuid + ")");
            tx.deleteFrom(REF).where(L2_NETWORK_UUID.in(leaving)).and(CLUSTER_UUID.eq(clusterUuid)).execute();
            // the cluster's hosts are no VTEPs of the pool any more
            tx.deleteFrom(VTEP).where(POOL_UUID.eq(l2Uuid)).and(CLUSTER_UUID.eq(clusterUuid)).execute();
        });
    }

    private static String label(L2NetworkRecord l2) {
        return l2.name() + " (" + l2.uuid() + ")";
    }

    void delete(String uuid) {
        // cluster attachments go by ON DELETE CASCADE
        deletionGuards.deleteUnlessInTheWay(dsl, uuid, "L2 network " + uuid, tx -> lockExisting(tx, uuid),
                tx -> tx.deleteFrom(L2).where(UUID.eq(uuid)).execute());
        tags.deleteAllOf(uuid);
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        this.queries = queries;
        registry.register(Inventory.builder("L2NetworkClusterRef", "l2_network_cluster_ref").primaryKey("clusterUuid")
                .strings("l2NetworkUuid", "clusterUuid", "vtepCidr")
                .field("createDate", FieldType.TIMESTAMP)
                .build());
        for (String type : List.of(INVENTORY, VLAN)) {
            Inventory.Builder b = Inventory.builder(type, "l2_network")
                    .strings("uuid", "name", "description", "zoneUuid", "physicalInterface")
                    .field("type", "l2_type", FieldType.STRING)
                    .field("vlan", FieldType.INTEGER)
                    .dates()
                    .expand(Expansion.one("zone", "Zone", "zoneUuid", "uuid"))
                    .expand(Expansion.inlineValues("attachedClusterUuids", "L2NetworkClusterRef", "uuid", "l2NetworkUuid",
                            "clusterUuid", "createDate"));
            if (type.equals(VLAN)) {
                b.fixed("l2_type", VLAN);
            }
            registry.register(b.build());
        }
        queries.register("QueryL2Network", INVENTORY, "l2-networks");
        queries.register("QueryL2VlanNetwork", VLAN, "l2-networks/vlan");
        catalogue.register(ApiDefinition.of("CreateL2NoVlanNetwork", "Create an L2 network on a physical interface, without VLAN",
                call -> inventory(create(call.string("zoneUuid"), call.string("name"), call.string("physicalInterface"), null,
                        call.optString("description").orElse(null))),
                createParams(null)));
        catalogue.register(ApiDefinition.of("CreateL2VlanNetwork", "Create an L2 network on a VLAN of a physical interface",
                call -> inventory(create(call.string("zoneUuid"), call.string("name"), call.string("physicalInterface"),
                        call.integer("vlan"), call.optString("description").orElse(null))),
                createParams(ApiParam.required("vlan", ParamType.INTEGER, "the VLAN id").withRange(1, 4094))));
        catalogue.register(ApiDefinition.of("AttachL2NetworkToCluster", "Attach an L2 network to a cluster of its zone",
                call -> {
                    attach(call.string("l2NetworkUuid"), call.string("clusterUuid"), call.has("systemTags") ? call.list("systemTags") : List.of());
                    return inventory(call.string("l2NetworkUuid"));
                },
                ApiParam.required("l2NetworkUuid", ParamType.UUID, "the L2 network"),
                ApiParam.required("clusterUuid", ParamType.UUID, "the cluster"),
                ApiParam.optional("systemTags", ParamType.STRING_LIST,
                        "for a VXLAN pool: l2NetworkUuid::<pool>::clusterUuid::<cluster>::cidr::{<VTEP cidr>}").withRange(0, 4)));
        catalogue.register(ApiDefinition.of("DetachL2NetworkFromCluster", "Detach an L2 network from a cluster",
                call -> {
                    detach(call.string("l2NetworkUuid"), call.string("clusterUuid"));
                    return inventory(call.string("l2NetworkUuid"));
                },
                ApiParam.required("l2NetworkUuid", ParamType.UUID, "the L2 network"),
                ApiParam.required("clusterUuid", ParamType.UUID, "the cluster")));
        vxlan.registerApis(catalogue, registry, queries);
        catalogue.register(ApiDefinition.of("DeleteL2Network", "Delete an L2 network that has no L3 network (a VXLAN pool: no VXLAN network)",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the L2 network")));
    }

    private static ApiParam[] createParams(ApiParam vlan) {
        List<ApiParam> params = new ArrayList<>(List.of(
                ApiParam.required("zoneUuid", ParamType.UUID, "the zone"),
                ApiParam.required("name", ParamType.STRING, "the network's name").withRange(1, 255),
                ApiParam.required("physicalInterface", ParamType.STRING, "the hosts' interface, e.g. eth0").withRange(1, 64)));
        if (vlan != null) {
            params.add(vlan);
        }
        params.add(ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine());
        return params.toArray(ApiParam[]::new);
    }

    private Replies.InventoryReply inventory(String uuid) {
        return Replies.inventory(queries.inventory(INVENTORY, uuid));
    }
}
