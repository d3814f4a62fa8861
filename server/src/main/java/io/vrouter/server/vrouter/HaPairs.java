package io.vrouter.server.vrouter;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.l3.AllocatedIp;
import io.vrouter.server.l3.IpAllocator;
import io.vrouter.server.tag.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * VRRP pairs of virtual routers (docs/ha.md): which guest L3s are served by a pair, the pair's floating public
 * address, each router's HA configuration as desired state, and the management node's view of the pair.
 *
 * <p><b>The node's view.</b> Each router's agent reports its {@link HaStatus} (at once through a long poll, and on
 * every ping). A pair with no master for longer than a failover takes ({@link #NO_MASTER_GRACE}), or with two masters
 * confirmed, is an alarm: logged, counted in {@code vrouter.ha.pairs.alarmed},
 * and visible as the routers' {@code haStatus}. Two masters is a split brain the routers cannot settle among
 * themselves (their adverts do not cross): the node tells
 * the router that became master later to stand down (keepalived's tracked file puts it in FAULT, which drops every
 * floating address) and lifts that as soon as its partner stops being master, so the L3 is never left without one.
 */
final class HaPairs {
    private static final Logger LOG = LoggerFactory.getLogger(HaPairs.class);
    /** The pair's floating public address as the IP allocator records its use. */
    static final String USED_FOR = "VirtualRouterHaSnat";

    /** What is wrong with a pair, as the node sees it. */
    enum Alarm { NONE, NO_MASTER, TWO_MASTERS }

    private final RouterRepository repository;
    private final Tags tags;
    private final GlobalConfigs configs;
    private final IpAllocator ips;
    /** When each router last became master, as reported: the earlier master wins a split brain. */
    private final Map<String, Instant> masterSince = new ConcurrentHashMap<>();
    /** Routers the node told to stand down, and since when. */
    private final Map<String, Instant> standingDownSince = new ConcurrentHashMap<>();
    private final Set<String> standingDown = standingDownSince.keySet();
    /**
     * A stand-down is lifted after this long even while the partner is master: the partition may have healed, and a
     * pair with one router standing down has no backup. If it has not, the split brain comes back and is settled
     * again within a second.
     */
    static final java.time.Duration STAND_DOWN_HOLD = java.time.Duration.ofSeconds(30);
    private final Map<String, Alarm> alarms = new ConcurrentHashMap<>();
    /** Marks a router dirty (its desired HA configuration changed): the router sync. */
    private volatile Consumer<String> resync = vr -> { };
    /** Tells a master's agent to announce its floating addresses again (gratuitous ARP); does not wait. */
    private volatile Consumer<String> announce = vr -> { };
    /**
     * Routers standing down whose partner was told to announce itself since: once per stand-down, when the router
     * standing down has let go of the addresses (it no longer reports Master).
     */
    private final Set<String> announcedAfterStandDown = ConcurrentHashMap.newKeySet();
    /** Asks a router's agent for its status now (empty when it does not answer within a second or two). */
    private volatile java.util.function.Function<String, Optional<HaStatus>> probe = vr -> Optional.empty();
    /** Pairs whose two masters were confirmed (asked again, both still said so). */
    private final Set<String> confirmedSplits = ConcurrentHashMap.newKeySet();
    /** Since when each pair has had no master: a failover has none for a few hundred ms, which is no alarm. */
    private final Map<String, Instant> noMasterSince = new ConcurrentHashMap<>();
    static final java.time.Duration NO_MASTER_GRACE = java.time.Duration.ofSeconds(2);
    /** Pairs with a split brain check pending. */
    private final Set<String> settling = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService settler = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "vr-ha-settle");
                t.setDaemon(true);
                return t;
            });
    /**
     * Two masters must last this long, and both must say so when asked again, before the node steps in: a failover's
     * reports can arrive in any order (the new master's before the old one's fault, or the old one cut off entirely,
     * its last word still Master), and VRRP settles a passing overlap by itself within a few adverts.
     */
    static final java.time.Duration SPLIT_BRAIN_CONFIRMATION = java.time.Duration.ofSeconds(1);

    HaPairs(RouterRepository repository, Tags tags, GlobalConfigs configs, IpAllocator ips) {
        this.repository = repository;
        this.tags = tags;
        this.configs = configs;
        this.ips = ips;
    }

    void onDesiredChange(Consumer<String> markDirty) {
        this.resync = markDirty;
    }

    void probeWith(java.util.function.Function<String, Optional<HaStatus>> askNow) {
        this.probe = askNow;
    }

    void announceWith(Consumer<String> announceAgain) {
        this.announce = announceAgain;
    }

    void bindMetrics(MeterRegistry registry) {
        Gauge.builder("vrouter.ha.pairs.alarmed", alarms, a -> a.values().stream().filter(x -> x != Alarm.NONE).count())
                .description("VRRP pairs with no master or two masters").register(registry);
    }

    /** True when the guest L3 asks for a VRRP pair ({@code virtualRouterHa::VRRP}). */
    boolean isHa(String guestL3) {
        return !tags.systemTagValues(guestL3, VirtualRouterSettings.HA).isEmpty();
    }

    /**
     * The pair's record, created with its floating public address (any free address of the public L3) when the L3
     * has none yet. Serialised per L3 by the caller (the acquire queue); a concurrent node loses on the key and
     * gives its address back.
     */
    RouterRepository.Pair ensurePair(String guestL3, String publicL3) {
        Optional<RouterRepository.Pair> existing = repository.pairOf(guestL3);
        if (existing.isPresent()) {
            return existing.get();
        }
        AllocatedIp ip = ips.allocate(publicL3, null, USED_FOR);
        if (!repository.insertPair(guestL3, ip.ip(), ip.uuid())) {
            ips.release(ip.uuid());
        }
        return repository.pairOf(guestL3).orElseThrow();
    }

    /** The last router of a pair went: the pair's record and its floating address go too. */
    void routerGone(String vrUuid, List<String> guestL3sItServed) {
        masterSince.remove(vrUuid);
        standingDown.remove(vrUuid);
        announcedAfterStandDown.remove(vrUuid);
        for (String l3 : guestL3sItServed) {
            repository.pairOf(l3).ifPresent(pair -> {
                if (pair.routers().isEmpty()) {
                    repository.deletePair(l3);
                    ips.release(pair.publicUsedIpUuid());
                    alarms.remove(l3);
                    LOG.info("the VRRP pair of L3 {} has no router left: released its floating address {}", l3, pair.publicIp());
                } else {
                    pair.routers().forEach(resync);
                }
            });
        }
    }

    /**
     * The L3 is no pair any more (its last router turned back into a plain one): the pair's record and its floating
     * public address go, and what the node remembered of it.
     */
    void dissolve(RouterRepository.Pair pair) {
        repository.deletePair(pair.guestL3());
        ips.release(pair.publicUsedIpUuid());
        alarms.remove(pair.guestL3());
        noMasterSince.remove(pair.guestL3());
        confirmedSplits.remove(pair.guestL3());
        pair.routers().forEach(vr -> {
            masterSince.remove(vr);
            standingDownSince.remove(vr);
            announcedAfterStandDown.remove(vr);
        });
        LOG.info("the L3 {} is no VRRP pair any more: released its floating address {}", pair.guestL3(), pair.publicIp());
    }

    // ---------------------------------------------------------------- desired state

    /**
     * A router's HA configuration: VRRP on its guest nic in unicast to its partner's guest address, the guest
     * gateway and the public SNAT address floating, conntrackd over the management nics. Disabled for a plain
     * router. A router whose partner does not exist yet (being created, or lost) runs VRRP alone: it becomes
     * master and holds the floating addresses, so the L3 is served, and takes its partner in when it comes.
     */
    HaConfig configOf(RouterRepository.Router router, List<RouterRepository.Nic> nics, List<String> guests) {
        Optional<RouterRepository.Pair> pair = guests.stream().map(repository::pairOf).flatMap(Optional::stream).findFirst();
        if (pair.isEmpty()) {
            return HaConfig.DISABLED;
        }
        RouterRepository.Pair p = pair.get();
        Optional<RouterRepository.Nic> guestNic = DesiredRouterState.nicOn(nics, p.guestL3());
        Optional<RouterRepository.Nic> publicNic = DesiredRouterState.nicOn(nics, router.publicL3());
        Optional<RouterRepository.Nic> syncNic = DesiredRouterState.nicOn(nics, router.managementL3());
        if (guestNic.isEmpty() || publicNic.isEmpty() || syncNic.isEmpty()) {
            return HaConfig.DISABLED;
        }
        if (guestNic.get().ip().equals(guestNic.get().gateway())) {
            // its guest nic owns the gateway: the L3's plain router (being turned into a pair, or a pair's last router
            // turned back), which never runs VRRP
            return HaConfig.DISABLED;
        }
        String partner = p.partnerOf(router.uuid());
        List<RouterRepository.Nic> partnerNics = partner == null ? List.of() : repository.nicsOf(partner);
        String partnerGuest = DesiredRouterState.nicOn(partnerNics, p.guestL3()).map(RouterRepository.Nic::ip).orElse(null);
        String partnerSync = DesiredRouterState.nicOn(partnerNics, router.managementL3()).map(RouterRepository.Nic::ip).orElse(null);
        List<HaConfig.FloatingAddress> floating = new ArrayList<>();
        floating.add(new HaConfig.FloatingAddress(guestNic.get().gateway(),
                Ipv4Cidr.prefixLength(guestNic.get().netmask()), guestNic.get().mac()));
        floating.add(new HaConfig.FloatingAddress(p.publicIp(), Ipv4Cidr.prefixLength(publicNic.get().netmask()),
                publicNic.get().mac()));
        List<String> monitors = tags.systemTagValues(p.guestL3(), VirtualRouterSettings.HA_MONITOR_IP).stream()
                .map(v -> v.get("ip")).toList();
        int advert = (int) configs.longValue(VirtualRouterSettings.VR, VirtualRouterSettings.HA_ADVERT_INTERVAL);
        boolean heldForConversion = router.uuid().equals(p.held());
        return new HaConfig(true, virtualRouterId(p.guestL3()), guestNic.get().mac(), heldForConversion ? null : partnerGuest, advert,
                floating, monitors, syncNic.get().mac(), heldForConversion ? null : partnerSync,
                heldForConversion || standingDown.contains(router.uuid()));
    }

    /**
     * The plain router of {@code guestL3} is being replaced by a pair: {@code newRouter} (about to be created, or
     * created) is held in FAULT, so it takes every rule and lease but no address while the plain router serves. The
     * hold is in the pair's record: the L3 has one gateway on its L2 at any time, and no alarm meanwhile, also across a
     * restart of the node (which syncs the held router from what it reads then).
     */
    void holdForConversion(String guestL3, String newRouter) {
        repository.holdForConversion(guestL3, newRouter);
    }

    /** The plain router is gone: the held router may take the addresses (synced at once). */
    void conversionDone(String guestL3) {
        repository.releaseConversionHold(guestL3).ifPresent(resync);
    }

    /** The same for both routers of a pair and spread over 1-255 by the L3 (unicast makes a clash harmless). */
    static int virtualRouterId(String guestL3) {
        return Math.floorMod(guestL3.hashCode(), 255) + 1;
    }

    /** The address guests and rules see as the router's public one: the floating one for a pair. */
    Optional<String> floatingPublicIp(List<String> guests) {
        return guests.stream().map(repository::pairOf).flatMap(Optional::stream).map(RouterRepository.Pair::publicIp).findFirst();
    }

    // ---------------------------------------------------------------- the node's view

    /** An agent said what it is: stored, and the pair judged again. */
    void reported(String vrUuid, HaStatus status) {
        Optional<RouterRepository.Pair> pair = repository.pairServedBy(vrUuid);
        if (pair.isEmpty() && status != HaStatus.NoHa) {
            // a report sent before the router left its pair (turned back into a plain router): it is no pair's any more
            status = HaStatus.NoHa;
        }
        if (status == HaStatus.Master) {
            masterSince.putIfAbsent(vrUuid, Instant.now());
        } else {
            masterSince.remove(vrUuid);
        }
        if (repository.setHaStatus(vrUuid, status)) {
            LOG.info("virtual router {} is {}", vrUuid, status);
        }
        pair.ifPresent(this::judge);
    }

    /** The router is not reachable (stopped, destroyed, Disconnected): it is nobody's master as far as we know. */
    void unreachable(String vrUuid) {
        masterSince.remove(vrUuid);
        if (repository.haStatus(vrUuid) != HaStatus.NoHa) {
            repository.setHaStatus(vrUuid, HaStatus.Unknown);
        }
        repository.pairServedBy(vrUuid).ifPresent(this::judge);
    }

    Alarm alarmOf(String guestL3) {
        return alarms.getOrDefault(guestL3, Alarm.NONE);
    }

    boolean isStandingDown(String vrUuid) {
        return standingDown.contains(vrUuid);
    }

    /**
     * A split brain confirmed: both routers still say Master when asked now. The one that became master later stands
     * down. A router that does not answer is not counted (cut off, it is no master the node can reach; its own
     * monitor addresses are what stops it).
     */
    private void settle(String guestL3) {
        try {
            RouterRepository.Pair pair = repository.pairOf(guestL3).orElse(null);
            if (pair == null) {
                return;
            }
            List<String> confirmed = new ArrayList<>();
            for (String r : pair.routers()) {
                Optional<HaStatus> now = probe.apply(r);
                now.ifPresent(status -> repository.setHaStatus(r, status));
                if (now.orElse(HaStatus.Unknown) == HaStatus.Master) {
                    confirmed.add(r);
                } else if (now.isEmpty()) {
                    LOG.warn("router {} of the pair of L3 {} does not answer: not counted as master", r, guestL3);
                    masterSince.remove(r);
                    repository.setHaStatus(r, HaStatus.Unknown);
                }
            }
            if (confirmed.size() >= 2) {
                confirmedSplits.add(guestL3);
                String later = confirmed.stream().max((a, b) -> masterSince.getOrDefault(a, Instant.MAX)
                        .compareTo(masterSince.getOrDefault(b, Instant.MAX))).orElseThrow();
                if (standingDownSince.putIfAbsent(later, Instant.now()) == null) {
                    LOG.warn("split brain on L3 {} confirmed: router {} became master last; telling it to stand down", guestL3, later);
                    resync.accept(later);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot settle the pair of L3 {}: {}", guestL3, e.toString(), e);
        } finally {
            settling.remove(guestL3);
            repository.pairOf(guestL3).ifPresent(this::judgeQuietly);
        }
    }

    private void judgeQuietly(RouterRepository.Pair pair) {
        try {
            judge(pair);
        } catch (RuntimeException e) {
            LOG.warn("cannot judge the pair of L3 {}: {}", pair.guestL3(), e.toString());
        }
    }

    void close() {
        settler.shutdownNow();
    }

    /** Lifts the stand-downs older than {@link #STAND_DOWN_HOLD} (every ping round). */
    void reviewStandDowns() {
        Instant limit = Instant.now().minus(STAND_DOWN_HOLD);
        standingDownSince.forEach((vr, since) -> {
            if (since.isBefore(limit) && standingDownSince.remove(vr, since)) {
                announcedAfterStandDown.remove(vr);
                LOG.info("router {} stood down for {} s: letting it back, in case the partition healed", vr, STAND_DOWN_HOLD.toSeconds());
                resync.accept(vr);
            }
        });
    }

    private synchronized void judge(RouterRepository.Pair pair) {
        List<String> routers = pair.routers();
        List<String> masters = routers.stream().filter(r -> repository.haStatus(r) == HaStatus.Master).toList();
        if (masters.size() < 2) {
            confirmedSplits.remove(pair.guestL3());
        }
        // two masters is an alarm once confirmed: unconfirmed, it is usually a failover's reports crossing
        boolean noMaster = masters.isEmpty() && routers.size() == 2 && pair.held() == null
                && routers.stream().anyMatch(r -> repository.haStatus(r) != HaStatus.Unknown);
        if (!noMaster) {
            noMasterSince.remove(pair.guestL3());
        } else if (noMasterSince.putIfAbsent(pair.guestL3(), Instant.now()) == null) {
            // judged again when the grace is over: still none, and it is an alarm
            try {
                settler.schedule(() -> repository.pairOf(pair.guestL3()).ifPresent(this::judgeQuietly),
                        NO_MASTER_GRACE.toMillis() + 50, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // shutting down
            }
        }
        boolean noMasterTooLong = noMaster && noMasterSince.getOrDefault(pair.guestL3(), Instant.now())
                .isBefore(Instant.now().minus(NO_MASTER_GRACE));
        Alarm alarm = masters.size() >= 2 && confirmedSplits.contains(pair.guestL3()) ? Alarm.TWO_MASTERS
                : noMasterTooLong ? Alarm.NO_MASTER
                : Alarm.NONE;
        Alarm before = alarms.put(pair.guestL3(), alarm);
        if (alarm != before && alarm != Alarm.NONE) {
            LOG.error("ALARM: the VRRP pair of L3 {} ({}) has {}", pair.guestL3(), routers,
                    alarm == Alarm.TWO_MASTERS ? "two masters (split brain)" : "no master");
        } else if (alarm != before && before != null && before != Alarm.NONE) {
            LOG.info("the VRRP pair of L3 {} is healthy again", pair.guestL3());
        }
        if (masters.size() >= 2 && !confirmedSplits.contains(pair.guestL3()) && settling.add(pair.guestL3())) {
            try {
                settler.schedule(() -> settle(pair.guestL3()), SPLIT_BRAIN_CONFIRMATION.toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                settling.remove(pair.guestL3());
            }
        }
        // a router standing down is lifted once its partner is no longer master: the L3 needs it again
        for (String r : routers) {
            String partner = pair.partnerOf(r);
            if (standingDown.contains(r) && (partner == null || repository.haStatus(partner) != HaStatus.Master)) {
                standingDown.remove(r);
                announcedAfterStandDown.remove(r);
                LOG.info("router {} may be master again (its partner {} is not)", r, partner);
                resync.accept(r);
            }
        }
        // the router standing down has let go of the floating addresses: the neighbours still have its MAC for them
        // (it announced itself when it took over), and the master, master throughout, has no reason of its own to
        // announce again, so it is told to, once per stand-down
        for (String r : routers) {
            String partner = pair.partnerOf(r);
            if (standingDown.contains(r) && partner != null && repository.haStatus(r) != HaStatus.Master
                    && repository.haStatus(partner) == HaStatus.Master && announcedAfterStandDown.add(r)) {
                LOG.info("router {} stood down: telling its partner {} to announce the floating addresses again", r, partner);
                announce.accept(partner);
            }
        }
    }
}
