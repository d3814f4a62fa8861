package io.vrouter.server.l2;

import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCall;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.cluster.Clusters;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.zone.Zones;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.l2.L2Tables.CLUSTER_UUID;
import static io.vrouter.server.l2.L2Tables.END_VNI;
import static io.vrouter.server.l2.L2Tables.L2_NETWORK_UUID;
import static io.vrouter.server.l2.L2Tables.POOL_UUID;
import static io.vrouter.server.l2.L2Tables.REF;
import static io.vrouter.server.l2.L2Tables.START_VNI;
import static io.vrouter.server.l2.L2Tables.VNI;
import static io.vrouter.server.l2.L2Tables.VNI_RANGE;
import static io.vrouter.server.l2.L2Tables.VTEP_CIDR;
import static io.vrouter.server.l2.L2Tables.VXLAN;
import static io.vrouter.server.l2.L2Tables.VTEP;
import static io.vrouter.server.l2.L2Tables.VTEP_IP;
import static io.vrouter.server.l2.L2Tables.HOST_UUID;
import static io.vrouter.server.l2.L2Tables.PORT;

/**
 * VXLAN as ZStack models it. A pool ({@code L2VxlanNetworkPool}) is an L2 that carries no L3 itself: it holds VNI
 * ranges and is attached to clusters, each attachment naming the subnet its hosts' VTEP addresses are in. A VXLAN
 * network ({@code L2VxlanNetwork}) is an L2 of a pool with one VNI of the pool's ranges, unique in the pool; L3
 * networks stand on it as on any L2. A VXLAN network is attached to exactly the clusters its pool is attached to:
 * the attachment rows are written for it when it is created and when its pool is attached or detached, so that
 * placement, detach guards and queries see it as any other L2.
 *
 * <p>Every change of a pool's ranges or networks runs under the pool's row lock, so that two concurrent
 * allocations cannot pick the same VNI (the pool's unique key on VNIs is the last line of defence).
 */
public final class VxlanNetworks {
    public static final String POOL = "L2VxlanNetworkPool";
    public static final String NETWORK = "L2VxlanNetwork";
    static final String VNI_RANGE_INVENTORY = "VniRange";
    static final String VNI_RANGE_RESOURCE_TYPE = "VniRangeVO";
    static final String VTEP_INVENTORY = "Vtep";
    /** IANA's VXLAN port, the one every VTEP uses. */
    static final int VXLAN_PORT = 4789;
    /** ZStack's tag on AttachL2NetworkToCluster: {@code l2NetworkUuid::<pool>::clusterUuid::<cluster>::cidr::{<cidr>}}. */
    private static final Pattern VTEP_CIDR_TAG = Pattern.compile("l2NetworkUuid::([^:]*)::clusterUuid::([^:]*)::cidr::\\{(.*)}");

    private final DSLContext dsl;
    private final Clock clock;
    private final L2Networks l2Networks;
    private QueryApis queries;

    VxlanNetworks(DSLContext dsl, Clock clock, L2Networks l2Networks) {
        this.dsl = dsl;
        this.clock = clock;
        this.l2Networks = l2Networks;
    }

    // ---------------------------------------------------------------- read API for other packages

    /** A VXLAN network's VNI and pool. */
    public record VxlanNetworkRecord(String uuid, String poolUuid, int vni) {
    }

    /** The VXLAN facts of an L2, empty when the L2 is not a VXLAN network. */
    public Optional<VxlanNetworkRecord> find(String l2Uuid) {
        return dsl.select(UUID, POOL_UUID, VNI).from(VXLAN).where(UUID.eq(l2Uuid)).fetchOptional()
                .map(r -> new VxlanNetworkRecord(r.get(UUID), r.get(POOL_UUID), r.get(VNI)));
    }

    /** The VTEP subnet of a pool (or of one of its networks) in a cluster; empty: the hosts' management addresses. */
    public Optional<Ipv4Cidr> vtepCidr(String l2Uuid, String clusterUuid) {
        String pool = find(l2Uuid).map(VxlanNetworkRecord::poolUuid).orElse(l2Uuid);
        return dsl.select(VTEP_CIDR).from(REF).where(L2_NETWORK_UUID.eq(pool)).and(CLUSTER_UUID.eq(clusterUuid))
                .fetchOptional(VTEP_CIDR).map(Ipv4Cidr::parse);
    }

    /** The VXLAN networks of a pool, by VNI. */
    public List<VxlanNetworkRecord> networksOfPool(String poolUuid) {
        return dsl.select(UUID, POOL_UUID, VNI).from(VXLAN).where(POOL_UUID.eq(poolUuid)).orderBy(VNI)
                .fetch(r -> new VxlanNetworkRecord(r.get(UUID), r.get(POOL_UUID), r.get(VNI)));
    }

    /** A pool's attachment to a cluster: the cidr its hosts' VTEPs are in (empty: their management addresses). */
    public record PoolAttachment(String poolUuid, String clusterUuid, Optional<Ipv4Cidr> vtepCidr) {
    }

    /** The VXLAN pools attached to a cluster. */
    public List<PoolAttachment> poolsAttachedTo(String clusterUuid) {
        return dsl.select(L2_NETWORK_UUID, VTEP_CIDR).from(REF).where(CLUSTER_UUID.eq(clusterUuid))
                .and(L2_NETWORK_UUID.in(DSL.select(UUID).from(L2Tables.L2).where(L2Tables.L2_TYPE.eq(POOL)))).orderBy(L2_NETWORK_UUID)
                .fetch(r -> new PoolAttachment(r.get(L2_NETWORK_UUID), clusterUuid,
                        Optional.ofNullable(r.get(VTEP_CIDR)).map(Ipv4Cidr::parse)));
    }

    private final List<VxlanPoolAttachment> attachments = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A hypervisor backend's part in attaching a pool to a cluster (its hosts' VTEPs). */
    public void registerPoolAttachment(VxlanPoolAttachment attachment) {
        attachments.add(attachment);
    }

    /** Before a pool's attachment is written: every backend checks its hosts of the cluster (refusing throws). */
    void checkAttachment(String poolUuid, String clusterUuid, String vtepCidr) {
        Optional<Ipv4Cidr> cidr = Optional.ofNullable(vtepCidr).map(Ipv4Cidr::parse);
        attachments.forEach(a -> a.check(poolUuid, clusterUuid, cidr));
    }

    /** After a pool's attachment is written. */
    void attached(String poolUuid, String clusterUuid) {
        attachments.forEach(a -> a.attached(poolUuid, clusterUuid));
    }

    /** A host's VTEP in a pool (ZStack's VtepVO). */
    public record Vtep(String hostUuid, String poolUuid, String clusterUuid, String vtepIp, int port) {
    }

    /**
     * Records the VTEP address a host's agent found for a pool (its address in the pool's VTEP cidr of the host's
     * cluster). Returns whether the pool's VTEPs changed (a new host, or a host whose address moved): then every
     * other host of the pool must sync its FDB ({@code VxlanPlan}). Checked: the pool exists and is attached to the
     * cluster, and the address is an IPv4 address inside the attachment's cidr when it has one.
     */
    public boolean recordVtep(String hostUuid, String clusterUuid, String poolUuid, String vtepIp) {
        Ipv4 address = Ipv4.tryParse(vtepIp).orElseThrow(() -> ApiException.invalidArgument("VTEP address '" + vtepIp
                + "' of host " + hostUuid + " is not an IPv4 address"));
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lockPool(tx, poolUuid, "poolUuid");
            var attachment = tx.select(VTEP_CIDR).from(REF).where(L2_NETWORK_UUID.eq(poolUuid)).and(CLUSTER_UUID.eq(clusterUuid))
                    .fetchOptional();
            if (attachment.isEmpty()) {
                throw ApiException.invalidArgument("VXLAN pool " + poolUuid + " is not attached to cluster " + clusterUuid
                        + " of host " + hostUuid);
            }
            String cidr = attachment.get().value1();
            if (cidr != null && !Ipv4Cidr.parse(cidr).contains(address)) {
                throw ApiException.invalidArgument("VTEP address " + vtepIp + " of host " + hostUuid + " is outside the VTEP cidr "
                        + cidr + " of VXLAN pool " + poolUuid + " in cluster " + clusterUuid);
            }
            var existing = tx.select(VTEP_IP, CLUSTER_UUID).from(VTEP).where(HOST_UUID.eq(hostUuid)).and(POOL_UUID.eq(poolUuid))
                    .fetchOptional();
            LocalDateTime now = clock.utcNow();
            if (existing.isEmpty()) {
                tx.insertInto(VTEP).columns(UUID, HOST_UUID, POOL_UUID, CLUSTER_UUID, VTEP_IP, PORT, CREATE_DATE, LAST_OP_DATE)
                        .values(Uuid.random(), hostUuid, poolUuid, clusterUuid, address.toString(), VXLAN_PORT, now, now).execute();
                return true;
            }
            if (existing.get().value1().equals(address.toString()) && existing.get().value2().equals(clusterUuid)) {
                return false;
            }
            tx.update(VTEP).set(VTEP_IP, address.toString()).set(CLUSTER_UUID, clusterUuid).set(LAST_OP_DATE, now)
                    .where(HOST_UUID.eq(hostUuid)).and(POOL_UUID.eq(poolUuid)).execute();
            return true;
        });
    }

    /** Forgets a host's VTEP in a pool (the host left the pool's clusters); whether there was one. */
    public boolean forgetVtep(String hostUuid, String poolUuid) {
        return dsl.deleteFrom(VTEP).where(HOST_UUID.eq(hostUuid)).and(POOL_UUID.eq(poolUuid)).execute() > 0;
    }

    /** The VTEPs of a pool (of a VXLAN network's pool), by address: each host floods to all of them but its own. */
    public List<Vtep> vtepsOf(String l2Uuid) {
        String pool = find(l2Uuid).map(VxlanNetworkRecord::poolUuid).orElse(l2Uuid);
        return dsl.select(HOST_UUID, POOL_UUID, CLUSTER_UUID, VTEP_IP, PORT).from(VTEP).where(POOL_UUID.eq(pool)).orderBy(VTEP_IP, HOST_UUID)
                .fetch(r -> new Vtep(r.get(HOST_UUID), r.get(POOL_UUID), r.get(CLUSTER_UUID), r.get(VTEP_IP), r.get(PORT)));
    }

    // ---------------------------------------------------------------- hooks of L2Networks' attach and detach

    /**
     * The VTEP cidr a pool's attachment asks for in its system tags, checked: only a pool takes one, its uuids must
     * be the call's, the cidr a valid IPv4 subnet. Null when the tags name none.
     */
    static String vtepCidrOf(L2NetworkRecord l2, String clusterUuid, List<String> systemTags) {
        String cidr = null;
        for (String tag : systemTags) {
            Matcher m = VTEP_CIDR_TAG.matcher(tag);
            if (!m.matches()) {
                throw ApiException.invalidArgument("system tag '" + tag + "' is not l2NetworkUuid::<pool uuid>::clusterUuid::<cluster uuid>::cidr::{<cidr>}");
            }
            if (!POOL.equals(l2.type())) {
                throw ApiException.invalidArgument("a VTEP cidr is for a VXLAN pool; L2 network " + l2.uuid() + " is " + l2.type());
            }
            if (!m.group(1).equals(l2.uuid()) || !m.group(2).equals(clusterUuid)) {
                throw ApiException.invalidArgument("system tag '" + tag + "' names L2 " + m.group(1) + " and cluster " + m.group(2)
                        + " but the call attaches " + l2.uuid() + " to " + clusterUuid);
            }
            Ipv4Cidr parsed = parseCidr(m.group(3));
            if (cidr != null) {
                throw ApiException.invalidArgument("more than one VTEP cidr for cluster " + clusterUuid);
            }
            cidr = parsed.toString();
        }
        return cidr;
    }

    private static Ipv4Cidr parseCidr(String text) {
        Optional<Ipv4Cidr> exact = Ipv4Cidr.tryParse(text);
        if (exact.isPresent() && text.contains("/")) {
            return exact.get();
        }
        Ipv4Cidr normalised;
        try {
            normalised = text.contains("/") ? Ipv4Cidr.parseNormalising(text) : null;
        } catch (IllegalArgumentException e) {
            normalised = null;
        }
        throw ApiException.invalidArgument("VTEP cidr '" + text + "' " + (normalised == null
                ? "is not an IPv4 subnet such as 192.168.100.0/24" : "has host bits set; did you mean " + normalised + "?"));
    }

    /**
     * Refuses a pool's VNI ranges overlapping those of another pool attached to one of {@code clusters}: a host
     * cannot have two vxlan devices with one VNI on port 4789 (the kernel refuses the second), so two pools in a
     * cluster must not be able to hand out the same VNI.
     */
    static void checkNoSharedVnis(DSLContext tx, String poolUuid, List<VniRange> ranges, Collection<String> clusters) {
        if (ranges.isEmpty() || clusters.isEmpty()) {
            return;
        }
        var others = tx.select(L2_NETWORK_UUID, NAME, UUID, START_VNI, END_VNI).from(VNI_RANGE)
                .where(L2_NETWORK_UUID.ne(poolUuid))
                .and(L2_NETWORK_UUID.in(DSL.select(L2_NETWORK_UUID).from(REF).where(CLUSTER_UUID.in(clusters))))
                .orderBy(START_VNI).fetch();
        for (var other : others) {
            VniRange theirs = new VniRange(other.get(START_VNI), other.get(END_VNI));
            for (VniRange ours : ranges) {
                if (ours.overlaps(theirs)) {
                    String shared = tx.select(CLUSTER_UUID).from(REF).where(L2_NETWORK_UUID.eq(other.get(L2_NETWORK_UUID)))
                            .and(CLUSTER_UUID.in(clusters)).limit(1).fetchOne(CLUSTER_UUID);
                    throw ApiException.conflict("VNI range " + ours + " of VXLAN pool " + poolUuid + " overlaps range "
                            + other.get(NAME) + " (" + theirs + ") of VXLAN pool " + other.get(L2_NETWORK_UUID)
                            + " in cluster " + shared + "; pools of one cluster must not share VNIs (a host has one vxlan device per VNI)");
                }
            }
        }
    }

    static List<VniRange> rangesOf(DSLContext tx, String poolUuid) {
        return tx.select(START_VNI, END_VNI).from(VNI_RANGE).where(L2_NETWORK_UUID.eq(poolUuid)).orderBy(START_VNI)
                .fetch(r -> new VniRange(r.get(START_VNI), r.get(END_VNI)));
    }

    /** The networks of a pool. */
    static List<String> networksOf(DSLContext tx, String poolUuid) {
        return tx.select(UUID).from(VXLAN).where(POOL_UUID.eq(poolUuid)).orderBy(VNI).fetch(UUID);
    }

    /** The pool of a VXLAN network, null for any other L2. */
    static String poolOf(DSLContext tx, String l2Uuid) {
        return tx.select(POOL_UUID).from(VXLAN).where(UUID.eq(l2Uuid)).fetchOne(POOL_UUID);
    }

    // ---------------------------------------------------------------- operations

    String createPool(String zoneUuid, String name, String physicalInterface, String description) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Zones.lockExisting(tx, zoneUuid);
            return l2Networks.insert(tx, zoneUuid, name, physicalInterface, POOL, null, description);
        });
    }

    String createVniRange(String poolUuid, String name, int start, int end, String description) {
        if (start > end) {
            throw ApiException.invalidArgument("startVni " + start + " is greater than endVni " + end);
        }
        VniRange range = new VniRange(start, end);
        String uuid = Uuid.random();
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            L2NetworkRecord pool = lockPool(tx, poolUuid, "l2NetworkUuid");
            tx.select(NAME, UUID, START_VNI, END_VNI).from(VNI_RANGE).where(L2_NETWORK_UUID.eq(poolUuid)).fetch().forEach(r -> {
                VniRange other = new VniRange(r.get(START_VNI), r.get(END_VNI));
                if (other.overlaps(range)) {
                    throw ApiException.conflict("VNI range " + range + " overlaps range " + r.get(NAME) + " (" + r.get(UUID) + ", "
                            + other + ") of VXLAN pool " + pool.name() + " (" + poolUuid + ")");
                }
            });
            // the clusters' rows, locked after the pool's as attach locks them, serialise this with attaching another pool
            List<String> clusters = tx.select(CLUSTER_UUID).from(REF).where(L2_NETWORK_UUID.eq(poolUuid)).orderBy(CLUSTER_UUID)
                    .fetch(CLUSTER_UUID);
            clusters.forEach(cluster -> Clusters.lockExisting(tx, cluster));
            checkNoSharedVnis(tx, poolUuid, List.of(range), clusters);
            LocalDateTime now = clock.utcNow();
            tx.insertInto(VNI_RANGE).columns(UUID, NAME, DESCRIPTION, L2_NETWORK_UUID, START_VNI, END_VNI, CREATE_DATE, LAST_OP_DATE)
                    .values(uuid, name, description, poolUuid, start, end, now, now).execute();
        });
        return uuid;
    }

    void deleteVniRange(String uuid) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            String pool = tx.select(L2_NETWORK_UUID).from(VNI_RANGE).where(UUID.eq(uuid)).fetchOne(L2_NETWORK_UUID);
            if (pool == null) {
                throw ApiException.notFound(VNI_RANGE_RESOURCE_TYPE, uuid);
            }
            L2Networks.lockExisting(tx, pool);
            var range = tx.select(START_VNI, END_VNI).from(VNI_RANGE).where(UUID.eq(uuid)).fetchOne();
            // a network keeps its VNI; a range that still gives VNIs to networks stays
            List<String> users = tx.select(UUID).from(VXLAN).where(POOL_UUID.eq(pool))
                    .and(VNI.between(range.get(START_VNI), range.get(END_VNI))).orderBy(VNI).fetch(UUID);
            if (!users.isEmpty()) {
                throw ApiException.conflict("cannot delete VNI range " + uuid + ": VXLAN network(s) " + users
                        + " have VNIs in it; delete them first");
            }
            tx.deleteFrom(VNI_RANGE).where(UUID.eq(uuid)).execute();
        });
    }

    String createNetwork(String poolUuid, String zoneUuid, String name, Integer wantedVni, String description) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            L2NetworkRecord pool = lockPool(tx, poolUuid, "poolUuid");
            if (!pool.zoneUuid().equals(zoneUuid)) {
                throw ApiException.invalidArgument("VXLAN pool " + pool.name() + " (" + poolUuid + ") is in zone " + pool.zoneUuid()
                        + ", not in zone " + zoneUuid);
            }
            List<VniRange> ranges = rangesOf(tx, poolUuid);
            if (ranges.isEmpty()) {
                throw ApiException.invalidArgument("VXLAN pool " + pool.name() + " (" + poolUuid + ") has no VNI range; CreateVniRange first");
            }
            int vni = wantedVni != null ? checkedVni(tx, pool, ranges, wantedVni) : allocateVni(tx, pool, ranges);
            String uuid = l2Networks.insert(tx, zoneUuid, name, pool.physicalInterface(), NETWORK, null, description);
            tx.insertInto(VXLAN).columns(UUID, POOL_UUID, VNI).values(uuid, poolUuid, vni).execute();
            // attached where its pool is
            LocalDateTime now = clock.utcNow();
            for (String cluster : tx.select(CLUSTER_UUID).from(REF).where(L2_NETWORK_UUID.eq(poolUuid)).fetch(CLUSTER_UUID)) {
                tx.insertInto(REF).columns(L2_NETWORK_UUID, CLUSTER_UUID, CREATE_DATE).values(uuid, cluster, now).execute();
            }
            return uuid;
        });
    }

    private static int checkedVni(DSLContext tx, L2NetworkRecord pool, List<VniRange> ranges, int vni) {
        if (ranges.stream().noneMatch(r -> r.contains(vni))) {
            throw ApiException.invalidArgument("vni " + vni + " is outside the VNI ranges " + ranges + " of VXLAN pool "
                    + pool.name() + " (" + pool.uuid() + ")");
        }
        String user = tx.select(UUID).from(VXLAN).where(POOL_UUID.eq(pool.uuid())).and(VNI.eq(vni)).fetchOne(UUID);
        if (user != null) {
            throw ApiException.conflict("vni " + vni + " of VXLAN pool " + pool.name() + " (" + pool.uuid()
                    + ") is in use by VXLAN network " + user);
        }
        return vni;
    }

    private static int allocateVni(DSLContext tx, L2NetworkRecord pool, List<VniRange> ranges) {
        List<Integer> used = tx.select(VNI).from(VXLAN).where(POOL_UUID.eq(pool.uuid())).orderBy(VNI).fetch(VNI);
        OptionalInt free = VniRange.firstFree(ranges, used);
        if (free.isEmpty()) {
            throw ApiException.conflict("VXLAN pool " + pool.name() + " (" + pool.uuid() + ") has no free VNI: its ranges "
                    + ranges + " are all used by its " + used.size() + " network(s); CreateVniRange to add VNIs");
        }
        return free.getAsInt();
    }

    private static L2NetworkRecord lockPool(DSLContext tx, String poolUuid, String param) {
        L2NetworkRecord pool = L2Networks.lockExisting(tx, poolUuid);
        if (!POOL.equals(pool.type())) {
            throw ApiException.invalidArgument(param + " " + poolUuid + " is " + pool.type() + ", not a " + POOL);
        }
        return pool;
    }

    // ---------------------------------------------------------------- API

    void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        this.queries = queries;
        registry.register(Inventory.builder(VNI_RANGE_INVENTORY, "l2_vni_range")
                .strings("uuid", "name", "description", "l2NetworkUuid")
                .field("startVni", FieldType.INTEGER)
                .field("endVni", FieldType.INTEGER)
                .dates()
                .build());
        registry.register(Inventory.builder(POOL, "l2_network")
                .strings("uuid", "name", "description", "zoneUuid", "physicalInterface")
                .field("type", "l2_type", FieldType.STRING)
                .dates()
                .fixed("l2_type", POOL)
                .expand(Expansion.one("zone", "Zone", "zoneUuid", "uuid"))
                .expand(Expansion.inlineValues("attachedClusterUuids", "L2NetworkClusterRef", "uuid", "l2NetworkUuid",
                        "clusterUuid", "createDate"))
                .expand(Expansion.inlineMany("attachedCidrs", "L2NetworkClusterRef", "uuid", "l2NetworkUuid", "createDate"))
                .expand(Expansion.inlineMany("attachedVniRanges", VNI_RANGE_INVENTORY, "uuid", "l2NetworkUuid", "startVni"))
                .expand(Expansion.inlineMany("attachedVtepRefs", VTEP_INVENTORY, "uuid", "poolUuid", "vtepIp"))
                .build());
        registry.register(Inventory.builder(NETWORK, "l2_vxlan_network_view")
                .strings("uuid", "name", "description", "zoneUuid", "physicalInterface", "poolUuid")
                .field("type", "l2_type", FieldType.STRING)
                .field("vni", FieldType.INTEGER)
                .dates()
                .expand(Expansion.one("zone", "Zone", "zoneUuid", "uuid"))
                .expand(Expansion.one("pool", POOL, "poolUuid", "uuid"))
                .expand(Expansion.inlineValues("attachedClusterUuids", "L2NetworkClusterRef", "uuid", "l2NetworkUuid",
                        "clusterUuid", "createDate"))
                .build());
        registry.register(Inventory.builder(VTEP_INVENTORY, "l2_vxlan_vtep")
                .strings("uuid", "hostUuid", "poolUuid", "clusterUuid", "vtepIp")
                .field("port", FieldType.INTEGER)
                .dates()
                .build());
        queries.register("QueryVtep", VTEP_INVENTORY, "l2-networks/vteps");
        queries.register("QueryL2VxlanNetworkPool", POOL, "l2-networks/vxlan-pool");
        queries.register("QueryL2VxlanNetwork", NETWORK, "l2-networks/vxlan");
        queries.register("QueryVniRange", VNI_RANGE_INVENTORY, "l2-networks/vxlan-pool/vni-ranges");

        catalogue.register(ApiDefinition.of("CreateL2VxlanNetworkPool",
                "Create a VXLAN pool: VNI ranges and the clusters (with their VTEP cidr) its VXLAN networks span",
                call -> Replies.inventory(queries.inventory(POOL, createPool(call.string("zoneUuid"), call.string("name"),
                        physicalInterface(call), description(call)))),
                ApiParam.required("zoneUuid", ParamType.UUID, "the zone"),
                ApiParam.required("name", ParamType.STRING, "the pool's name").withRange(1, 255),
                ApiParam.optional("physicalInterface", ParamType.STRING, "recorded only: VTEPs are chosen by the attachment's cidr")
                        .withRange(0, 64),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
        catalogue.register(ApiDefinition.of("CreateVniRange", "Add a range of VNIs to a VXLAN pool; ranges of a pool do not overlap",
                call -> Replies.inventory(queries.inventory(VNI_RANGE_INVENTORY, createVniRange(call.string("l2NetworkUuid"),
                        call.string("name"), call.integer("startVni"), call.integer("endVni"), description(call)))),
                ApiParam.required("l2NetworkUuid", ParamType.UUID, "the VXLAN pool"),
                ApiParam.required("name", ParamType.STRING, "the range's name").withRange(1, 255),
                ApiParam.required("startVni", ParamType.INTEGER, "first VNI").withRange(VniRange.MIN_VNI, VniRange.MAX_VNI),
                ApiParam.required("endVni", ParamType.INTEGER, "last VNI (included)").withRange(VniRange.MIN_VNI, VniRange.MAX_VNI),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
        catalogue.register(ApiDefinition.of("DeleteVniRange", "Delete a VNI range no VXLAN network has a VNI of",
                call -> {
                    deleteVniRange(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the VNI range")));
        catalogue.register(ApiDefinition.of("CreateL2VxlanNetwork",
                "Create a VXLAN network in a pool, with the given VNI or the lowest free one of the pool's ranges",
                call -> Replies.inventory(queries.inventory(NETWORK, createNetwork(call.string("poolUuid"), call.string("zoneUuid"),
                        call.string("name"), call.optInteger("vni").orElse(null), description(call)))),
                ApiParam.required("poolUuid", ParamType.UUID, "the VXLAN pool"),
                ApiParam.required("zoneUuid", ParamType.UUID, "the pool's zone"),
                ApiParam.required("name", ParamType.STRING, "the network's name").withRange(1, 255),
                ApiParam.optional("vni", ParamType.INTEGER, "the VNI; allocated from the pool's ranges when absent")
                        .withRange(VniRange.MIN_VNI, VniRange.MAX_VNI),
                ApiParam.optional("physicalInterface", ParamType.STRING, "ignored: the pool's").withRange(0, 64),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
    }

    private static String physicalInterface(ApiCall call) {
        String given = call.optString("physicalInterface").orElse("");
        if (!given.isEmpty() && !L2Networks.isInterfaceName(given)) {
            throw ApiException.invalidArgument("physicalInterface '" + given + "' is not an interface name (1-15 letters, digits or _ . : -)");
        }
        return given;
    }

    private static String description(ApiCall call) {
        return call.optString("description").orElse(null);
    }
}
