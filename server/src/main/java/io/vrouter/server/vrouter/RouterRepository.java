package io.vrouter.server.vrouter;

import io.vrouter.server.Clock;
import io.vrouter.server.db.KeyBatches;
import io.vrouter.server.l2.L2NetworkRecord;
import io.vrouter.server.l2.L2Networks;
import io.vrouter.server.l3.IpRangeRecord;
import io.vrouter.server.l3.IpRanges;
import io.vrouter.server.l3.L3NetworkRecord;
import io.vrouter.server.l3.L3Networks;
import io.vrouter.server.vm.VmDirectory;
import io.vrouter.server.vm.VmState;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.exception.DataAccessException;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.vrouter.VirtualRouterTables.APPLIANCE;
import static io.vrouter.server.vrouter.VirtualRouterTables.GUEST;
import static io.vrouter.server.vrouter.VirtualRouterTables.HA_PAIR;

/** The virtual router provider's rows: appliance records, which router serves which guest L3, and the reads sync needs. */
final class RouterRepository {
    private static final Field<String> STATUS = field("status", String.class);
    private static final Field<String> L3 = field("l3_network_uuid", String.class);
    private static final Field<String> ROUTER = field("virtual_router_uuid", String.class);
    private static final Field<String> HA_STATUS = field("ha_status", String.class);
    private static final Field<String> PEER = field("peer_router_uuid", String.class);
    private static final Field<String> PUBLIC_IP = field("public_ip", String.class);
    private static final Field<String> HELD = field("held_router_uuid", String.class);
    private static final Field<String> PUBLIC_USED_IP = field("public_used_ip_uuid", String.class);

    private final DSLContext dsl;
    private final Clock clock;
    /** VMs and nics are the VM package's; L3s, L2s and ranges theirs: read through their owners. */
    private final VmDirectory vms;
    /** Told of every status written by {@link #setStatus} (the node's live events); nobody by default. */
    private volatile BiConsumer<String, String> statusListener = (vrUuid, status) -> { };

    RouterRepository(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
        this.vms = new VmDirectory(dsl);
    }

    /** A router as the provider sees it. */
    record Router(String uuid, String name, String state, String status, String secret, String managementL3,
                  String publicL3, String offeringUuid, String zoneUuid, String hypervisorType) {
        boolean running() {
            return VmState.Running.name().equals(state);
        }
    }

    /** A nic of a router or of a user VM, with what sync needs of its L3 and L2. */
    record Nic(String uuid, String vmUuid, String l3Uuid, String ip, String mac, String netmask, String gateway,
               int deviceId, String l2Type, Integer vlan, String vmDefaultL3) {
    }

    void insertAppliance(String vrUuid, String managementL3, String publicL3, String offeringUuid, String secret) {
        dsl.insertInto(APPLIANCE).columns(UUID, field("appliance_vm_type", String.class), field("management_network_uuid", String.class),
                        field("public_network_uuid", String.class), field("default_route_l3_network_uuid", String.class),
                        field("virtual_router_offering_uuid", String.class), STATUS, field("agent_secret", String.class))
                .values(vrUuid, "VirtualRouter", managementL3, publicL3, publicL3, offeringUuid, RouterStatus.Connecting.name(), secret)
                .execute();
    }

    Optional<Router> find(String vrUuid) {
        return vms.find(vrUuid).flatMap(v -> dsl.select(STATUS, field("agent_secret", String.class),
                        field("management_network_uuid", String.class), field("public_network_uuid", String.class),
                        field("virtual_router_offering_uuid", String.class))
                .from(APPLIANCE).where(UUID.eq(vrUuid))
                .fetchOptional(a -> new Router(v.uuid(), v.name(), v.state().name(), a.value1(), a.value2(), a.value3(),
                        a.value4(), a.value5(), v.zoneUuid(), v.hypervisorType())));
    }

    /**
     * The given routers as {@link #find} gives each, in one read of each owner's table (the VMs', the appliances'),
     * not one per router; those gone are left out.
     */
    List<Router> findAll(Collection<String> vrUuids) {
        Field<String> secret = field("agent_secret", String.class);
        Field<String> managementL3 = field("management_network_uuid", String.class);
        Field<String> publicL3 = field("public_network_uuid", String.class);
        Field<String> offering = field("virtual_router_offering_uuid", String.class);
        Map<String, org.jooq.Record> appliances = new HashMap<>();
        KeyBatches.read(vrUuids, batch -> dsl.select(UUID, STATUS, secret, managementL3, publicL3, offering).from(APPLIANCE)
                .where(UUID.in(batch)).fetch()).forEach(a -> appliances.put(a.get(UUID), a));
        return vms.findAll(appliances.keySet()).stream().map(v -> {
            org.jooq.Record a = appliances.get(v.uuid());
            return new Router(v.uuid(), v.name(), v.state().name(), a.get(STATUS), a.get(secret), a.get(managementL3),
                    a.get(publicL3), a.get(offering), v.zoneUuid(), v.hypervisorType());
        }).toList();
    }

    /** Which of the given VMs are routers, in one read. */
    Set<String> routersAmong(Collection<String> vmUuids) {
        return Set.copyOf(KeyBatches.read(vmUuids, batch -> dsl.select(UUID).from(APPLIANCE).where(UUID.in(batch)).fetch(UUID)));
    }

    boolean isRouter(String vmUuid) {
        return dsl.fetchExists(APPLIANCE, UUID.eq(vmUuid));
    }

    void setStatus(String vrUuid, String status) {
        dsl.update(APPLIANCE).set(STATUS, status).where(UUID.eq(vrUuid)).execute();
        statusListener.accept(vrUuid, status);
    }

    void onStatusChanged(BiConsumer<String, String> listener) {
        this.statusListener = listener;
    }

    String status(String vrUuid) {
        return dsl.select(STATUS).from(APPLIANCE).where(UUID.eq(vrUuid)).fetchOne(STATUS);
    }

    HaStatus haStatus(String vrUuid) {
        return HaStatus.of(dsl.select(HA_STATUS).from(APPLIANCE).where(UUID.eq(vrUuid)).fetchOne(HA_STATUS));
    }

    /** True when the stored status changed. */
    boolean setHaStatus(String vrUuid, HaStatus status) {
        return dsl.update(APPLIANCE).set(HA_STATUS, status.name()).where(UUID.eq(vrUuid)).and(HA_STATUS.ne(status.name()))
                .execute() > 0;
    }

    List<String> runningRouters() {
        return vms.inState(dsl.select(UUID).from(APPLIANCE).fetch(UUID), Set.of(VmState.Running));
    }

    /** The running routers whose VM is on one of these hosts. */
    List<String> runningRoutersOn(Set<String> hostUuids) {
        if (hostUuids.isEmpty()) {
            return List.of();
        }
        List<String> running = runningRouters();
        Map<String, String> hostOf = vms.hostsOf(running);
        return running.stream().filter(vr -> hostUuids.contains(hostOf.get(vr))).toList();
    }

    // ---------------------------------------------------------------- which router serves a guest L3

    /** Every router of the guest L3: none, one, or the two of a VRRP pair (the first router's claim first). */
    List<String> routersOf(String guestL3) {
        List<String> routers = new java.util.ArrayList<>();
        routerOf(guestL3).ifPresent(routers::add);
        peerOf(guestL3).filter(p -> !routers.contains(p)).ifPresent(routers::add);
        return routers;
    }

    // ---------------------------------------------------------------- VRRP pairs

    /**
     * The pair serving an HA guest L3: its routers as claimed (either may be missing), its floating address, and the
     * router held in FAULT while the L3's plain router is turned into the pair (null otherwise).
     */
    record Pair(String guestL3, String first, String peer, String publicIp, String publicUsedIpUuid, String held) {
        List<String> routers() {
            List<String> all = new java.util.ArrayList<>();
            if (first != null) {
                all.add(first);
            }
            if (peer != null && !peer.equals(first)) {
                all.add(peer);
            }
            return all;
        }

        /** The other router of the pair, or null. */
        String partnerOf(String vrUuid) {
            return vrUuid.equals(first) ? peer : vrUuid.equals(peer) ? first : null;
        }
    }

    Optional<Pair> pairOf(String guestL3) {
        return dsl.select(PEER, PUBLIC_IP, PUBLIC_USED_IP, HELD).from(HA_PAIR).where(L3.eq(guestL3))
                .fetchOptional(r -> new Pair(guestL3, routerOf(guestL3).orElse(null), r.value1(), r.value2(), r.value3(), r.value4()));
    }

    /** The pair a router belongs to (a router of a pair serves one guest L3). */
    Optional<Pair> pairServedBy(String vrUuid) {
        for (String l3 : guestL3s(vrUuid)) {
            Optional<Pair> pair = pairOf(l3);
            if (pair.isPresent()) {
                return pair;
            }
        }
        return Optional.empty();
    }

    Optional<String> peerOf(String guestL3) {
        return dsl.select(PEER).from(HA_PAIR).where(L3.eq(guestL3)).and(PEER.isNotNull()).fetchOptional(PEER);
    }

    /** Records the pair of an HA guest L3; false when another creator recorded it first. */
    boolean insertPair(String guestL3, String publicIp, String publicUsedIpUuid) {
        try {
            dsl.insertInto(HA_PAIR).columns(L3, PEER, PUBLIC_IP, PUBLIC_USED_IP, field("create_date", java.time.LocalDateTime.class))
                    .values(guestL3, null, publicIp, publicUsedIpUuid, clock.utcNow()).execute();
            return true;
        } catch (DataAccessException e) {
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    /** Claims the pair's second router slot (atomic: only a free slot is taken); false when it is held. */
    boolean claimPeer(String guestL3, String vrUuid) {
        return dsl.update(HA_PAIR).set(PEER, vrUuid).where(L3.eq(guestL3)).and(PEER.isNull()).execute() == 1;
    }

    void unclaimPeer(String guestL3, String vrUuid) {
        dsl.update(HA_PAIR).set(PEER, (String) null).where(L3.eq(guestL3)).and(PEER.eq(vrUuid)).execute();
    }

    /** Holds {@code vrUuid} in FAULT while the L3's plain router is turned into its pair. */
    void holdForConversion(String guestL3, String vrUuid) {
        dsl.update(HA_PAIR).set(HELD, vrUuid).where(L3.eq(guestL3)).execute();
    }

    /** Lifts the L3's conversion hold; the router it held, or empty when none was. */
    Optional<String> releaseConversionHold(String guestL3) {
        Optional<String> held = dsl.select(HELD).from(HA_PAIR).where(L3.eq(guestL3)).and(HELD.isNotNull()).fetchOptional(HELD);
        held.ifPresent(vr -> dsl.update(HA_PAIR).set(HELD, (String) null).where(L3.eq(guestL3)).and(HELD.eq(vr)).execute());
        return held;
    }

    List<String> haGuestL3s() {
        return dsl.select(L3).from(HA_PAIR).orderBy(L3).fetch(L3);
    }

    /** The L2 networks under some L3s (placement needs hosts that reach them all). */
    Set<String> l2sOf(List<String> l3s) {
        Set<String> l2s = new java.util.LinkedHashSet<>();
        for (String l3 : l3s) {
            L3Networks.find(dsl, l3).ifPresent(r -> l2s.add(r.l2NetworkUuid()));
        }
        return l2s;
    }

    /**
     * {@code vrUuid}, a router of the L3's pair, becomes the L3's one router of record: the first router's claim is
     * its, the pair's second slot empty. One transaction, so the L3 is claimed throughout.
     */
    void keepOnly(String guestL3, String vrUuid) {
        dsl.transaction(cfg -> {
            DSLContext tx = org.jooq.impl.DSL.using(cfg);
            if (tx.update(GUEST).set(ROUTER, vrUuid).where(L3.eq(guestL3)).execute() == 0) {
                tx.insertInto(GUEST).columns(L3, ROUTER, field("create_date", java.time.LocalDateTime.class))
                        .values(guestL3, vrUuid, clock.utcNow()).execute();
            }
            tx.update(HA_PAIR).set(PEER, (String) null).where(L3.eq(guestL3)).execute();
        });
    }

    void deletePair(String guestL3) {
        dsl.deleteFrom(HA_PAIR).where(L3.eq(guestL3)).execute();
    }

    Optional<String> routerOf(String guestL3) {
        return dsl.select(ROUTER).from(GUEST).where(L3.eq(guestL3)).fetchOptional(ROUTER);
    }

    /** Claims a guest L3 for a router about to be created; false when another creator holds it. */
    boolean claim(String guestL3, String vrUuid) {
        try {
            dsl.insertInto(GUEST).columns(L3, ROUTER, field("create_date", java.time.LocalDateTime.class))
                    .values(guestL3, vrUuid, clock.utcNow()).execute();
            return true;
        } catch (DataAccessException e) {
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    void unclaim(String guestL3, String vrUuid) {
        dsl.deleteFrom(GUEST).where(L3.eq(guestL3)).and(ROUTER.eq(vrUuid)).execute();
    }

    boolean claimOlderThan(String guestL3, String vrUuid, java.time.Duration age) {
        return dsl.fetchExists(GUEST, L3.eq(guestL3).and(ROUTER.eq(vrUuid))
                .and(field("create_date", java.time.LocalDateTime.class).lt(clock.utcNow().minus(age))));
    }

    void unclaimAll(String vrUuid) {
        dsl.deleteFrom(GUEST).where(ROUTER.eq(vrUuid)).execute();
        dsl.update(HA_PAIR).set(PEER, (String) null).where(PEER.eq(vrUuid)).execute();
    }

    /**
     * Claims whose router VM was never written: the creator died between the claim and the VM. Called at node start;
     * another node's claim is that young only for the milliseconds before it writes the VM, hence the age bound.
     */
    int dropOrphanClaims(java.time.Duration olderThan) {
        Field<java.time.LocalDateTime> created = field("create_date", java.time.LocalDateTime.class);
        List<String> old = dsl.selectDistinct(ROUTER).from(GUEST).where(created.lt(clock.utcNow().minus(olderThan))).fetch(ROUTER);
        Set<String> written = vms.existing(old);
        List<String> orphans = old.stream().filter(vr -> !written.contains(vr)).toList();
        return orphans.isEmpty() ? 0 : dsl.deleteFrom(GUEST).where(ROUTER.in(orphans)).and(created.lt(clock.utcNow().minus(olderThan))).execute();
    }

    /** At node start no connect is running: a Connecting status is what a dead node left behind. */
    int clearStaleConnecting() {
        return dsl.update(APPLIANCE).set(STATUS, RouterStatus.Disconnected.name()).where(STATUS.eq(RouterStatus.Connecting.name())).execute();
    }

    /**
     * The same for the routers of some hosts: with several management nodes, only the routers of the hosts this node
     * tracks are this node's to settle (another node may be connecting the others right now).
     */
    int clearStaleConnecting(List<String> vrUuids) {
        int cleared = 0;
        for (int from = 0; from < vrUuids.size(); from += 1000) {
            cleared += dsl.update(APPLIANCE).set(STATUS, RouterStatus.Disconnected.name()).where(STATUS.eq(RouterStatus.Connecting.name()))
                    .and(UUID.in(vrUuids.subList(from, Math.min(vrUuids.size(), from + 1000)))).execute();
        }
        return cleared;
    }

    void markConnecting(List<String> vrUuids) {
        for (int from = 0; from < vrUuids.size(); from += 1000) {
            dsl.update(APPLIANCE).set(STATUS, RouterStatus.Connecting.name()).where(UUID.in(vrUuids.subList(from, Math.min(vrUuids.size(), from + 1000)))).execute();
        }
    }

    /** The guest L3s a router serves, as the first router or as the second of a pair. */
    List<String> guestL3s(String vrUuid) {
        return dsl.select(L3).from(GUEST).where(ROUTER.eq(vrUuid))
                .union(dsl.select(L3).from(HA_PAIR).where(PEER.eq(vrUuid)))
                .orderBy(1).fetch(L3);
    }

    // ---------------------------------------------------------------- what sync needs

    List<Nic> nicsOf(String vmUuid) {
        return withL2(vms.nicsOf(vmUuid));
    }

    /** Nics of user VMs on an L3 whose VM is up or coming up: they should have DHCP entries. */
    List<Nic> liveUserNicsOn(String l3Uuid) {
        return withL2(vms.liveUserNicsOn(l3Uuid));
    }

    private List<Nic> withL2(List<VmDirectory.VmNicRecord> nics) {
        Map<String, L2NetworkRecord> l2ByL3 = new HashMap<>();
        return nics.stream().map(n -> {
            L2NetworkRecord l2 = l2ByL3.computeIfAbsent(n.l3Uuid(), l3 -> L3Networks.find(dsl, l3)
                    .flatMap(r -> L2Networks.find(dsl, r.l2NetworkUuid()))
                    .orElseThrow(() -> new IllegalStateException("L3 network " + l3 + " of nic " + n.uuid() + " has no L2 network")));
            return new Nic(n.uuid(), n.vmUuid(), n.l3Uuid(), n.ip(), n.mac(), n.netmask(), n.gateway(), n.deviceId(), l2.type(),
                    l2.vlan(), n.vmDefaultL3Uuid());
        }).toList();
    }

    String l3OfNic(String nicUuid) {
        return vms.l3OfNic(nicUuid).orElse(null);
    }

    /** An L3's DNS servers in the order the user gave them. */
    List<String> dnsOf(String l3Uuid) {
        return L3Networks.dnsOf(dsl, l3Uuid);
    }

    String dnsDomainOf(String l3Uuid) {
        return L3Networks.find(dsl, l3Uuid).map(L3NetworkRecord::dnsDomain).orElse(null);
    }

    String zoneOf(String l3Uuid) {
        return L3Networks.find(dsl, l3Uuid).map(L3NetworkRecord::zoneUuid).orElse(null);
    }

    /** The gateway of an L3's first IP range, or null when it has none. */
    String gatewayOf(String l3Uuid) {
        return IpRanges.rangesOf(dsl, l3Uuid).stream().findFirst().map(IpRangeRecord::gateway).orElse(null);
    }
}
