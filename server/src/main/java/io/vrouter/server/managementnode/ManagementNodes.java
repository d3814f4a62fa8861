package io.vrouter.server.managementnode;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.host.HostOwnership;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.managementnode.ManagementNodeTables.EXPIRE_MS;
import static io.vrouter.server.managementnode.ManagementNodeTables.HEART_BEAT;
import static io.vrouter.server.managementnode.ManagementNodeTables.HEART_BEAT_MS;
import static io.vrouter.server.managementnode.ManagementNodeTables.HOST;
import static io.vrouter.server.managementnode.ManagementNodeTables.HOST_NAME;
import static io.vrouter.server.managementnode.ManagementNodeTables.JOIN_DATE;
import static io.vrouter.server.managementnode.ManagementNodeTables.NODE;
import static io.vrouter.server.managementnode.ManagementNodeTables.OWNER;
import static io.vrouter.server.managementnode.ManagementNodeTables.TRACKER;

/**
 * This management node's membership among the nodes sharing its database, and the hosts it tracks.
 *
 * <p>Every {@code managementNode/heartbeat.interval} a round runs: the node writes its heartbeat, renews the leases
 * of the hosts it holds, hands to another live node the hosts that node prefers, and takes hosts whose lease lapsed.
 * A host's lease is one row of {@code host_tracker}: taken by a conditional UPDATE ({@code ... WHERE host_uuid = ?
 * AND (management_node_uuid IS NULL OR expire_ms < now)}), which PostgreSQL evaluates again on the row's newest
 * version when two nodes race (READ COMMITTED re-checks the WHERE after the other's commit), so at most one node
 * holds it. Every time written or compared is the database's clock, read once per round: nodes on several machines
 * never compare their own clocks.
 *
 * <p>The node acts on a host only while its lease holds by its own clock: it counts the lease's
 * {@code heartbeat.timeout} from before it read the database's time, so its own view of the lease ends before the
 * row's expiry, and a node that stalls (GC pause, lost database) stops acting before any other may take over.
 *
 * <p>Which live node should track a host is rendezvous hashing over the live nodes (each host goes to the node with
 * the highest hash of node and host): adding or losing a node moves only the hosts it gains or had. The hashing
 * only spreads the hosts; the lease alone decides who holds one, so nodes that briefly disagree on who is live never
 * both track a host. A host whose lease lapsed and that its preferred node did not take within two more intervals is
 * taken by any node.
 */
public final class ManagementNodes implements HostOwnership, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementNodes.class);
    static final String INVENTORY = "ManagementNode";
    /** A node silent this many timeouts is dropped from the table (its leases lapsed long ago). */
    private static final int FORGET_AFTER_TIMEOUTS = 10;

    private final DSLContext dsl;
    private final Clock clock;
    private final GlobalConfigs configs;
    private final Supplier<Collection<String>> hostUuids;
    private final String uuid = Uuid.random();
    private final String hostName;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("mn-heartbeat"));
    /** What this node holds, and until when (System.nanoTime) it may act on it. */
    private volatile Set<String> owned = Set.of();
    private volatile long validUntilNanos;
    private volatile boolean running;

    /** @param hostUuids every host in the database (the host package's read API) */
    public ManagementNodes(DSLContext dsl, Clock clock, GlobalConfigs configs, Supplier<Collection<String>> hostUuids, String hostName) {
        this.dsl = dsl;
        this.clock = clock;
        this.configs = configs;
        this.hostUuids = hostUuids;
        this.hostName = hostName;
        MembershipSettings.register(configs);
    }

    public String uuid() {
        return uuid;
    }

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        registry.register(Inventory.builder(INVENTORY, "management_node")
                .strings("uuid", "hostName")
                .field("joinDate", FieldType.TIMESTAMP)
                .field("heartBeat", FieldType.TIMESTAMP)
                .build());
        queries.register("QueryManagementNode", INVENTORY, "management-nodes");
    }

    // ---------------------------------------------------------------- life

    /** Joins: writes this node's row and runs one round at once, so the node knows its hosts before it acts. */
    public synchronized void start() {
        long now = databaseNow();
        insertSelf(now);
        running = true;
        round();
        scheduleNext();
    }

    /** Joins without the timer: the caller drives {@link #round()} (tests racing rounds). */
    synchronized void joinWithoutTimer() {
        insertSelf(databaseNow());
        running = true;
    }

    private void insertSelf(long dbNow) {
        LocalDateTime date = utc(dbNow);
        dsl.insertInto(NODE).columns(UUID, HOST_NAME, JOIN_DATE, HEART_BEAT, HEART_BEAT_MS)
                .values(uuid, hostName, clock.utcNow(), date, dbNow).execute();
    }

    private void scheduleNext() {
        if (running) {
            timer.schedule(this::roundQuietly, MembershipSettings.interval(configs).toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            LOG.warn("management node {}: heartbeat round failed ({}); hosts stay tracked until their leases lapse",
                    uuid, e.getMessage());
        } finally {
            scheduleNext();
        }
    }

    /**
     * Leaves: stops the rounds, gives back every lease (other nodes take the hosts at their next round instead of
     * waiting for the leases to lapse) and deletes this node's row.
     */
    @Override
    public synchronized void close() {
        boolean wasRunning = running;
        running = false;
        timer.shutdownNow();
        if (!wasRunning) {
            return;
        }
        Set<String> had = owned;
        owned = Set.of();
        try {
            dsl.update(TRACKER).setNull(OWNER).set(EXPIRE_MS, 0L).where(OWNER.eq(uuid)).execute();
            dsl.deleteFrom(NODE).where(UUID.eq(uuid)).execute();
        } catch (RuntimeException e) {
            LOG.warn("management node {} could not give back its hosts ({}); they are taken over when the leases lapse", uuid, e.getMessage());
        }
        notifyReleased(had);
    }

    /**
     * Stops heartbeats and renewals as a killed process would: nothing given back, rows left to lapse. This node
     * stops acting on its hosts when its own view of the leases ends. For tests of takeover in one JVM.
     */
    public synchronized void haltAsIfKilled() {
        running = false;
        timer.shutdownNow();
    }

    /**
     * A host this node just added: tracked by this node at once rather than at the next round (its first pings, its
     * routers' connects); the rounds hand it to its preferred node later.
     */
    public synchronized void adopt(String hostUuid) {
        if (!running) {
            return;
        }
        long now = databaseNow();
        long expiry = now + MembershipSettings.timeout(configs).toMillis();
        try {
            dsl.insertInto(TRACKER).columns(HOST, OWNER, EXPIRE_MS).values(hostUuid, uuid, expiry).execute();
        } catch (DataAccessException e) {
            if (e.sqlState() == null || !e.sqlState().startsWith("23") || !take(hostUuid, now, expiry)) {
                return; // another node's round wrote the row first and holds it: that node tracks the host
            }
        }
        Set<String> more = new HashSet<>(owned);
        more.add(hostUuid);
        owned = Set.copyOf(more);
        for (Listener l : listeners) {
            quietly(() -> l.acquired(Set.of(hostUuid)));
        }
    }

    /**
     * Whether the node {@code nodeUuid} is gone: no row of it, or a heartbeat older than {@code heartbeat.timeout} by
     * the database's clock. What a node asks before undoing or settling another node's work: a live node's flows and
     * VM operations are its own to finish.
     */
    public boolean isGone(String nodeUuid) {
        if (uuid.equals(nodeUuid)) {
            return false;
        }
        long now = databaseNow();
        return !dsl.fetchExists(dsl.selectOne().from(NODE).where(UUID.eq(nodeUuid))
                .and(HEART_BEAT_MS.ge(now - MembershipSettings.timeout(configs).toMillis())));
    }

    /** Whether another node than this one is live now (a heartbeat within {@code heartbeat.timeout}). */
    public boolean othersLive() {
        long now = databaseNow();
        return dsl.fetchExists(dsl.selectOne().from(NODE).where(UUID.ne(uuid))
                .and(HEART_BEAT_MS.ge(now - MembershipSettings.timeout(configs).toMillis())));
    }

    // ---------------------------------------------------------------- HostOwnership

    @Override
    public boolean owns(String hostUuid) {
        return System.nanoTime() < validUntilNanos && owned.contains(hostUuid);
    }

    @Override
    public Set<String> ownedHosts() {
        return System.nanoTime() < validUntilNanos ? owned : Set.of();
    }

    @Override
    public void onChange(Listener listener) {
        listeners.add(listener);
    }

    // ---------------------------------------------------------------- one round

    /** One heartbeat: renew, hand over, take; then tell listeners what changed. Runs on the heartbeat thread. */
    synchronized void round() {
        if (!running) {
            return;
        }
        long started = System.nanoTime();
        Duration timeout = MembershipSettings.timeout(configs);
        Duration interval = MembershipSettings.interval(configs);
        long now = databaseNow();
        long expiry = now + timeout.toMillis();

        if (dsl.update(NODE).set(HEART_BEAT_MS, now).set(HEART_BEAT, utc(now)).where(UUID.eq(uuid)).execute() == 0) {
            // another node forgot us: we were silent for many timeouts, our leases lapsed long ago
            LOG.warn("management node {} was silent so long that others dropped it; joining again", uuid);
            Set<String> had = owned;
            owned = Set.of();
            notifyReleased(had);
            insertSelf(now);
        }
        dsl.deleteFrom(NODE).where(HEART_BEAT_MS.lt(now - timeout.toMillis() * FORGET_AFTER_TIMEOUTS)).execute();
        List<String> live = new ArrayList<>(dsl.select(UUID).from(NODE).where(HEART_BEAT_MS.ge(now - timeout.toMillis())).fetch(UUID));
        if (!live.contains(uuid)) {
            live.add(uuid);
        }

        // renew what we hold (a lease that lapsed and nobody took is still ours: we did not act meanwhile)
        dsl.update(TRACKER).set(EXPIRE_MS, expiry).where(OWNER.eq(uuid)).execute();

        Map<String, Lease> leases = syncTrackerRows();
        Set<String> handOver = leases.values().stream()
                .filter(l -> uuid.equals(l.owner()) && !uuid.equals(preferredNode(l.host(), live)))
                .map(Lease::host).collect(Collectors.toSet());
        if (!handOver.isEmpty()) {
            // a live node the hashing prefers: stop acting on the host first, then hand it over (that node takes it at
            // its next round; the release time as expiry keeps the others off it for two intervals)
            Set<String> kept = new HashSet<>(owned);
            kept.removeAll(handOver);
            owned = Set.copyOf(kept);
            notifyReleased(handOver);
            dsl.update(TRACKER).setNull(OWNER).set(EXPIRE_MS, now).where(HOST.in(handOver)).and(OWNER.eq(uuid)).execute();
        }
        for (Lease lease : leases.values()) {
            if (uuid.equals(lease.owner())) {
                continue;
            }
            String preferred = preferredNode(lease.host(), live);
            boolean free = lease.owner() == null || lease.expireMs() < now;
            boolean unclaimedTooLong = lease.expireMs() < now - 2 * interval.toMillis();
            if (free && (uuid.equals(preferred) || unclaimedTooLong)) {
                take(lease.host(), now, expiry);
            }
        }

        Set<String> nowOwned = Set.copyOf(dsl.select(HOST).from(TRACKER).where(OWNER.eq(uuid)).and(EXPIRE_MS.gt(now)).fetch(HOST));
        Set<String> before = owned;
        owned = nowOwned;
        validUntilNanos = started + timeout.toNanos();
        Set<String> acquired = nowOwned.stream().filter(h -> !before.contains(h)).collect(Collectors.toSet());
        Set<String> released = before.stream().filter(h -> !nowOwned.contains(h)).collect(Collectors.toSet());
        notifyReleased(released);
        if (!acquired.isEmpty()) {
            LOG.info("management node {} now tracks {} more host(s), {} in all", uuid, acquired.size(), nowOwned.size());
            for (Listener l : listeners) {
                quietly(() -> l.acquired(acquired));
            }
        }
    }

    /** The conditional UPDATE that makes a lease ours only if nobody holds it, evaluated by the database. */
    private boolean take(String host, long now, long expiry) {
        return dsl.update(TRACKER).set(OWNER, uuid).set(EXPIRE_MS, expiry)
                .where(HOST.eq(host)).and(OWNER.isNull().or(EXPIRE_MS.lt(now))).execute() == 1;
    }

    private record Lease(String host, String owner, long expireMs) {
    }

    /** One tracker row per host: rows added for new hosts, dropped for deleted ones. */
    private Map<String, Lease> syncTrackerRows() {
        Map<String, Lease> leases = new java.util.HashMap<>();
        dsl.select(HOST, OWNER, EXPIRE_MS).from(TRACKER)
                .forEach(r -> leases.put(r.value1(), new Lease(r.value1(), r.value2(), r.value3())));
        Set<String> hosts = new HashSet<>(hostUuids.get());
        for (String host : hosts) {
            if (!leases.containsKey(host)) {
                try {
                    dsl.insertInto(TRACKER).columns(HOST, OWNER, EXPIRE_MS).values(host, null, 0L).execute();
                } catch (DataAccessException e) {
                    if (e.sqlState() == null || !e.sqlState().startsWith("23")) {
                        throw e; // else another node inserted it first: the same row
                    }
                }
                leases.put(host, new Lease(host, null, 0L));
            }
        }
        List<String> gone = leases.keySet().stream().filter(h -> !hosts.contains(h)).toList();
        if (!gone.isEmpty()) {
            dsl.deleteFrom(TRACKER).where(HOST.in(gone)).execute();
            gone.forEach(leases::remove);
        }
        return leases;
    }

    /** Rendezvous hashing: the live node with the highest hash of (node, host). */
    static String preferredNode(String host, Collection<String> liveNodes) {
        String best = null;
        long bestScore = Long.MIN_VALUE;
        for (String node : liveNodes) {
            long score = mix(node + "/" + host);
            if (best == null || score > bestScore || score == bestScore && node.compareTo(best) > 0) {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    /** FNV-1a then a finaliser: well spread for uuids, the same on every node (String.hashCode is too weak here). */
    private static long mix(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** The database's clock, in milliseconds since the epoch: the one clock every node compares. */
    private long databaseNow() {
        return dsl.select(DSL.currentOffsetDateTime()).fetchOne().value1().toInstant().toEpochMilli();
    }

    private static LocalDateTime utc(long epochMillis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    private void notifyReleased(Set<String> released) {
        if (released.isEmpty()) {
            return;
        }
        LOG.info("management node {} no longer tracks {} host(s)", uuid, released.size());
        for (Listener l : listeners) {
            quietly(() -> l.released(released));
        }
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("a host ownership listener failed: {}", e.toString(), e);
        }
    }
}
