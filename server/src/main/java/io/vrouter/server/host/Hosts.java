package io.vrouter.server.host;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.cluster.ClusterRecord;
import io.vrouter.server.cluster.Clusters;
import io.vrouter.server.l2.L2Networks;
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
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.host.HostTables.HOST;
import static io.vrouter.server.host.HostTables.ZONE_UUID;
import static io.vrouter.server.host.HostTables.CLUSTER_UUID;
import static io.vrouter.server.host.HostTables.MANAGEMENT_IP;
import static io.vrouter.server.host.HostTables.HYPERVISOR_TYPE;
import static io.vrouter.server.host.HostTables.STATE;
import static io.vrouter.server.host.HostTables.STATUS;
import static io.vrouter.server.host.HostTables.TOTAL_CPU;
import static io.vrouter.server.host.HostTables.AVAILABLE_CPU;
import static io.vrouter.server.host.HostTables.TOTAL_MEMORY;
import static io.vrouter.server.host.HostTables.AVAILABLE_MEMORY;

/**
 * Hosts: where VMs run. Adding one goes through the {@link HostConnector} of its hypervisor type; the simulator's
 * is built in. State (Enabled, Disabled, Maintenance) is the user's; status (Connected, Disconnected) the
 * connector's. Only Enabled and Connected hosts receive VMs ({@link #candidates}).
 */
public final class Hosts {
    public static final String RESOURCE_TYPE = "HostVO";
    public static final String ENABLED = HostState.Enabled.name();
    public static final String DISABLED = HostState.Disabled.name();
    public static final String MAINTENANCE = HostState.Maintenance.name();
    public static final String CONNECTED = HostStatus.Connected.name();
    public static final String DISCONNECTED = HostStatus.Disconnected.name();
    public static final long DEFAULT_CPU_CAPACITY = 32;
    public static final long DEFAULT_MEMORY_CAPACITY = 64L << 30;
    static final String INVENTORY = "Host";

    private static final Map<String, String> STATE_BY_EVENT = Map.of("enable", ENABLED, "disable", DISABLED, "maintain", MAINTENANCE);


    private final DSLContext dsl;
    private final Clock clock;
    private final Tags tags;
    private final Clusters clusters;
    private final L2Networks l2Networks;
    private final Map<String, HostConnector> connectors = new ConcurrentHashMap<>();
    private final DeletionGuards deletionGuards = new DeletionGuards();
    private final List<java.util.function.Consumer<String>> addedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<HostRecord>> deletedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private QueryApis queries;

    public Hosts(DSLContext dsl, Clock clock, Tags tags, ResourceTypes resourceTypes, Clusters clusters, L2Networks l2Networks) {
        this.dsl = dsl;
        this.clock = clock;
        this.tags = tags;
        this.clusters = clusters;
        this.l2Networks = l2Networks;
        resourceTypes.register(RESOURCE_TYPE, "host");
        registerConnector(new HostConnector() {
            @Override
            public String hypervisorType() {
                return Clusters.SIMULATOR;
            }

            @Override
            public String connect(NewHost host) {
                return CONNECTED; // nothing to reach: the simulator lives in this process
            }
        });
    }

    private final List<HostConnectGate> connectGates = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A check every reconnect runs before it records a host Connected (see {@link HostConnectGate}). */
    public void registerConnectGate(HostConnectGate gate) {
        connectGates.add(gate);
    }

    /** Records a host's status as found by whoever watches it (a host confirmed dead is Disconnected). */
    public void recordStatus(String hostUuid, HostStatus status) {
        dsl.update(HOST).set(STATUS, status.name()).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(hostUuid)).execute();
    }

    /** Called with a new host's uuid once it is written (the node that added it starts tracking it at once). */
    public void onAdded(java.util.function.Consumer<String> listener) {
        addedListeners.add(listener);
    }

    /** Called with a host's last record once it is deleted (the others of its cluster forget it: VXLAN peers). */
    public void onDeleted(java.util.function.Consumer<HostRecord> listener) {
        deletedListeners.add(listener);
    }

    public void registerConnector(HostConnector connector) {
        if (connectors.putIfAbsent(connector.hypervisorType(), connector) != null) {
            throw new IllegalStateException("a host connector for " + connector.hypervisorType() + " is registered twice");
        }
    }

    // ---------------------------------------------------------------- read API for other packages

    public Optional<HostRecord> find(String hostUuid) {
        return dsl.select(recordFields()).from(HOST).where(UUID.eq(hostUuid)).fetchOptional(Hosts::toRecord);
    }

    /** Every host, oldest first, in one read (the host failure detector's rounds). */
    public List<HostRecord> all() {
        return dsl.select(recordFields()).from(HOST).orderBy(CREATE_DATE, UUID).fetch(Hosts::toRecord);
    }

    /** Every host's uuid (the management nodes share them out). */
    public List<String> uuids() {
        return dsl.select(UUID).from(HOST).fetch(UUID);
    }

    /**
     * Hosts that may receive a VM: Enabled and Connected, in an Enabled cluster to which every one of
     * {@code requiredL2Uuids} is attached, optionally restricted to a zone and a cluster; oldest first.
     */
    public List<HostRecord> candidates(String zoneUuid, String clusterUuid, Collection<String> requiredL2Uuids) {
        Set<String> l2s = Set.copyOf(requiredL2Uuids);
        Condition where = STATE.eq(ENABLED).and(STATUS.eq(CONNECTED));
        if (zoneUuid != null) {
            where = where.and(ZONE_UUID.eq(zoneUuid));
        }
        if (clusterUuid != null) {
            where = where.and(CLUSTER_UUID.eq(clusterUuid));
        }
        List<HostRecord> hosts = dsl.select(recordFields()).from(HOST).where(where).orderBy(CREATE_DATE, UUID).fetch(Hosts::toRecord);
        // the clusters' side (their state, their L2 attachments) is the cluster and L2 packages' to answer
        Map<String, Boolean> clusterFits = new HashMap<>();
        Set<String> withEveryL2 = l2s.isEmpty() ? Set.of() : l2Networks.clustersAttachedToAll(l2s);
        return hosts.stream().filter(h -> clusterFits.computeIfAbsent(h.clusterUuid(), c ->
                (l2s.isEmpty() || withEveryL2.contains(c))
                        && clusters.find(c).map(cluster -> ENABLED.equals(cluster.state())).orElse(false))).toList();
    }

    /** The hosts of one hypervisor type, oldest first (a backend's ping rounds). */
    public List<HostRecord> ofType(String hypervisorType) {
        return dsl.select(recordFields()).from(HOST).where(HYPERVISOR_TYPE.eq(hypervisorType)).orderBy(CREATE_DATE, UUID)
                .fetch(Hosts::toRecord);
    }

    /** Records what the host's connector found (a backend's pings: Connected, Disconnected); false if the host is gone. */
    public boolean setStatus(String hostUuid, HostStatus status) {
        return dsl.update(HOST).set(STATUS, status.name()).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(hostUuid)).execute() == 1;
    }

    /** Takes capacity for a VM if the host still has it; false (and nothing taken) otherwise. */
    public boolean reserveCapacity(String hostUuid, long cpu, long memory) {
        return dsl.update(HOST).set(AVAILABLE_CPU, AVAILABLE_CPU.minus(cpu)).set(AVAILABLE_MEMORY, AVAILABLE_MEMORY.minus(memory))
                .where(UUID.eq(hostUuid)).and(AVAILABLE_CPU.ge(cpu)).and(AVAILABLE_MEMORY.ge(memory))
                .execute() == 1;
    }

    /** Gives capacity back (never above the total); returning twice is the caller's bug, capped harmlessly. */
    public void returnCapacity(String hostUuid, long cpu, long memory) {
        dsl.update(HOST).set(AVAILABLE_CPU, DSL.least(TOTAL_CPU, AVAILABLE_CPU.plus(cpu)))
                .set(AVAILABLE_MEMORY, DSL.least(TOTAL_MEMORY, AVAILABLE_MEMORY.plus(memory)))
                .where(UUID.eq(hostUuid)).execute();
    }

    private static List<Field<?>> recordFields() {
        return List.of(UUID, NAME, ZONE_UUID, CLUSTER_UUID, MANAGEMENT_IP, HYPERVISOR_TYPE, STATE, STATUS,
                TOTAL_CPU, AVAILABLE_CPU, TOTAL_MEMORY, AVAILABLE_MEMORY);
    }

    private static HostRecord toRecord(Record r) {
        return new HostRecord(r.get(UUID), r.get(NAME), r.get(ZONE_UUID), r.get(CLUSTER_UUID), r.get(MANAGEMENT_IP),
                r.get(HYPERVISOR_TYPE), r.get(STATE), r.get(STATUS), r.get(TOTAL_CPU), r.get(AVAILABLE_CPU),
                r.get(TOTAL_MEMORY), r.get(AVAILABLE_MEMORY));
    }

    /** A child package's check that a host may be deleted (what of its own still runs on the host). */
    public void registerDeletionGuard(DeletionGuard guard) {
        deletionGuards.register(guard);
    }

    /** Refuses deleting a cluster that still has hosts. */
    public void registerDeletionGuards(Clusters clusters) {
        clusters.registerDeletionGuard((tx, clusterUuid, inTheWay) -> inTheWay.named("host(s)", HOST, CLUSTER_UUID.eq(clusterUuid)));
    }

    // ---------------------------------------------------------------- operations

    /**
     * Adds a host of any registered type: checks the cluster (exists, same hypervisor type) and that the
     * management IP is not taken, connects it, then writes it. Returns its uuid.
     */
    public String add(NewHost host) {
        HostConnector connector = Optional.ofNullable(connectors.get(host.hypervisorType())).orElseThrow(() ->
                ApiException.invalidArgument("no host type " + host.hypervisorType() + "; types are " + connectors.keySet()));
        checkCanAdd(dsl, host);
        String status = connector.connect(host);
        NewHost connected = connector.withReportedCapacity(host);
        String uuid = Uuid.random();
        try {
            dsl.transaction(cfg -> {
                DSLContext tx = DSL.using(cfg);
                ClusterRecord cluster = checkCanAdd(tx, host);
                LocalDateTime now = clock.utcNow();
                tx.insertInto(HOST).columns(UUID, NAME, DESCRIPTION, ZONE_UUID, CLUSTER_UUID, MANAGEMENT_IP, HYPERVISOR_TYPE,
                                STATE, STATUS, TOTAL_CPU, AVAILABLE_CPU, TOTAL_MEMORY, AVAILABLE_MEMORY, CREATE_DATE, LAST_OP_DATE)
                        .values(uuid, host.name(), host.description(), cluster.zoneUuid(), cluster.uuid(), host.managementIp(),
                                host.hypervisorType(), ENABLED, status, connected.cpuCapacity(), connected.cpuCapacity(),
                                connected.memoryCapacity(), connected.memoryCapacity(), now, now)
                        .execute();
            });
        } catch (DataAccessException e) {
            // two adds of one management IP at once: the unique key decides, the loser hears it like the checked case
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                throw managementIpTaken(host.managementIp());
            }
            throw e;
        }
        addedListeners.forEach(l -> l.accept(uuid));
        return uuid;
    }

    private static ClusterRecord checkCanAdd(DSLContext ctx, NewHost host) {
        ClusterRecord cluster = Clusters.lockExisting(ctx, host.clusterUuid());
        if (!cluster.hypervisorType().equals(host.hypervisorType())) {
            throw ApiException.invalidArgument("cluster " + cluster.name() + " (" + cluster.uuid() + ") is a "
                    + cluster.hypervisorType() + " cluster; a " + host.hypervisorType() + " host cannot join it");
        }
        if (ctx.fetchExists(HOST, MANAGEMENT_IP.eq(host.managementIp()))) {
            throw managementIpTaken(host.managementIp());
        }
        return cluster;
    }

    private static ApiException managementIpTaken(String managementIp) {
        return ApiException.conflict("a host with management IP " + managementIp + " already exists");
    }

    void changeState(String uuid, String stateEvent) {
        String state = STATE_BY_EVENT.get(stateEvent);
        if (dsl.update(HOST).set(STATE, state).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute() == 0) {
            throw ApiException.notFound(RESOURCE_TYPE, uuid);
        }
    }

    /** Reaches the host again through its connector and records the status; Connected only past every connect gate. */
    public void reconnect(String uuid) {
        var row = dsl.select(NAME, DESCRIPTION, MANAGEMENT_IP, CLUSTER_UUID, HYPERVISOR_TYPE, TOTAL_CPU, TOTAL_MEMORY)
                .from(HOST).where(UUID.eq(uuid)).fetchOptional().orElseThrow(() -> ApiException.notFound(RESOURCE_TYPE, uuid));
        HostConnector connector = connectors.get(row.get(HYPERVISOR_TYPE));
        if (connector == null) {
            throw ApiException.operationFailed("host " + uuid + " is of type " + row.get(HYPERVISOR_TYPE) + ", which this node cannot connect");
        }
        String status = connector.connect(new NewHost(row.get(NAME), row.get(DESCRIPTION), row.get(MANAGEMENT_IP),
                row.get(CLUSTER_UUID), row.get(HYPERVISOR_TYPE), row.get(TOTAL_CPU), row.get(TOTAL_MEMORY)));
        if (CONNECTED.equals(status) && !connectGates.isEmpty()) {
            HostRecord host = find(uuid).orElseThrow(() -> ApiException.notFound(RESOURCE_TYPE, uuid));
            connectGates.forEach(g -> g.beforeConnected(host));
        }
        dsl.update(HOST).set(STATUS, status).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
    }

    void delete(String uuid) {
        Optional<HostRecord> record = find(uuid);
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            if (tx.select(UUID).from(HOST).where(UUID.eq(uuid)).forUpdate().fetchOptional().isEmpty()) {
                throw ApiException.notFound(RESOURCE_TYPE, uuid);
            }
            deletionGuards.collect(tx, uuid).refuseDeleting("host " + uuid);
            tx.deleteFrom(HOST).where(UUID.eq(uuid)).execute();
        });
        tags.deleteAllOf(uuid);
        record.ifPresent(r -> deletedListeners.forEach(l -> l.accept(r)));
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        this.queries = queries;
        registry.register(Inventory.builder(INVENTORY, "host")
                .strings("uuid", "name", "description", "zoneUuid", "clusterUuid", "managementIp", "hypervisorType",
                        "state", "status")
                .field("totalCpuCapacity", FieldType.LONG)
                .field("availableCpuCapacity", FieldType.LONG)
                .field("totalMemoryCapacity", FieldType.LONG)
                .field("availableMemoryCapacity", FieldType.LONG)
                .dates()
                .expand(Expansion.one("zone", "Zone", "zoneUuid", "uuid"))
                .expand(Expansion.one("cluster", "Cluster", "clusterUuid", "uuid"))
                .build());
        queries.register("QueryHost", INVENTORY, "hosts");
        catalogue.register(ApiDefinition.of("AddSimulatorHost", "Add a simulated host (in-process, no hypervisor) to a Simulator cluster",
                call -> inventory(add(new NewHost(call.string("name"), call.optString("description").orElse(null),
                        call.string("managementIp"), call.string("clusterUuid"), Clusters.SIMULATOR,
                        call.longValue("cpuCapacity"), call.longValue("memoryCapacity")))),
                ApiParam.required("name", ParamType.STRING, "the host's name").withRange(1, 255),
                ApiParam.required("managementIp", ParamType.HOST_ADDRESS, "the address the node reaches it at; unique").withRange(1, 64),
                ApiParam.required("clusterUuid", ParamType.UUID, "a Simulator cluster"),
                ApiParam.optional("cpuCapacity", ParamType.LONG, "CPUs offered to VMs").withRange(1, 1_000_000)
                        .withDefault(DEFAULT_CPU_CAPACITY),
                ApiParam.optional("memoryCapacity", ParamType.LONG, "bytes of memory offered to VMs")
                        .withRange(1, Long.MAX_VALUE).withDefault(DEFAULT_MEMORY_CAPACITY),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
        catalogue.register(ApiDefinition.of("ChangeHostState", "Enable, disable or put a host into maintenance",
                call -> {
                    changeState(call.string("uuid"), call.string("stateEvent"));
                    return inventory(call.string("uuid"));
                },
                ApiParam.required("uuid", ParamType.UUID, "the host"),
                ApiParam.required("stateEvent", ParamType.STRING, "what to do").withChoices("enable", "disable", "maintain")));
        catalogue.register(ApiDefinition.of("ReconnectHost", "Reach a host again and record its status",
                call -> {
                    reconnect(call.string("uuid"));
                    return inventory(call.string("uuid"));
                },
                ApiParam.required("uuid", ParamType.UUID, "the host")));
        catalogue.register(ApiDefinition.of("DeleteHost", "Delete a host that runs no VM",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the host")));
    }

    private Replies.InventoryReply inventory(String uuid) {
        return Replies.inventory(queries.inventory(INVENTORY, uuid));
    }
}
