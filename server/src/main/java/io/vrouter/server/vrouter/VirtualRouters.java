package io.vrouter.server.vrouter;

import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.EchoReply;
import io.vrouter.agent.protocol.InitCmd;
import io.vrouter.agent.protocol.PingReply;
import io.vrouter.api.ErrorCode;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.l3.IpAllocator;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.task.FlowChain;
import io.vrouter.server.task.FlowException;
import io.vrouter.server.task.FlowJournal;
import io.vrouter.server.task.FlowKey;
import io.vrouter.server.task.Task;
import io.vrouter.server.task.TaskQueues;
import io.vrouter.server.vm.VmCreation;
import io.vrouter.server.vm.VmInstances;
import io.vrouter.server.vm.VmLifecycleExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Virtual router VMs: one per guest L3, created on demand, connected and kept in sync.
 *
 * <p><b>Acquire.</b> Serialised per guest L3 on the queue {@code vr-acquire-<l3>} within this node, and across
 * nodes by the primary key of {@code virtual_router_guest_l3}: the node that inserts the row creates the router;
 * any other waits for it. An existing router is reused (started if stopped). Creation is a {@link FlowChain}
 * recorded in the node's {@link FlowJournal} (claim, the router's VM, its appliance row, its start): a node that
 * dies in the middle leaves nothing the next node start does not undo.
 *
 * <p><b>Connect</b> (create, start, reboot, Reconnect): status Connecting; wait for the agent's echo; upgrade it if
 * its md5 differs from the management node's agent or {@code virtualRouter/agent.deployOnStart} is true; init; then a
 * full sync through {@link RouterSync} (everything in ZStack's order: nics, DNS, DHCP with rebuild, SNAT, VIPs, port
 * forwarding, EIPs); status Connected, or Disconnected with the error.
 *
 * <p><b>Sync</b>: every other change reaches the router only by marking it dirty ({@link #syncRouterOf}); see
 * {@link RouterSync}.
 */
public final class VirtualRouters implements VmLifecycleExtension {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualRouters.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final String CONNECTING = RouterStatus.Connecting.name();
    public static final String CONNECTED = RouterStatus.Connected.name();
    public static final String DISCONNECTED = RouterStatus.Disconnected.name();
    /** VM states in which another node is working on the router: wait for it to settle. */
    /**
     * A creator writes its router's rows within milliseconds of claiming the L3; a claim older than this with no
     * router behind it is the leftover of a node that died in between.
     */
    static final Duration ORPHAN_CLAIM_AGE = Duration.ofSeconds(10);
    /** Undo kind of the claim of a guest L3 ({@code l3}, {@code vr}): drops the claim if it is still that router's. */
    static final String UNDO_UNCLAIM = "vrouter.unclaim";
    private static final java.util.Set<String> TRANSITIONAL = java.util.Set.of("Created", "Starting", "Stopping", "Rebooting", "Destroying");

    private final RouterRepository repository;
    private final RouterCommands commands;
    private final VirtualRouterOfferings offerings;
    private final VmInstances vms;
    private final TaskQueues queues;
    private final GlobalConfigs configs;
    private final Tags tags;
    private final AgentPackage agentPackage;
    private final Map<String, ApplianceAgents> agentsByHypervisor = new ConcurrentHashMap<>();
    private final RouterSync sync;
    private final HaPairs pairs;
    private final HaWatch haWatch;
    /** Connects of the two routers of a pair go one at a time (an agent upgrade restarts its keepalived). */
    private final Map<String, java.util.concurrent.locks.ReentrantLock> pairConnects = new ConcurrentHashMap<>();
    private volatile PairPlacement placement = PairPlacement.NONE;

    /** @param syncQueues the queues of the per-router syncs: not the node's, since a connect waits for its sync */
    VirtualRouters(RouterRepository repository, DesiredRouterState desired, RouterCommands commands,
                   VirtualRouterOfferings offerings, VmInstances vms, TaskQueues queues, TaskQueues syncQueues,
                   GlobalConfigs configs, Tags tags, AgentPackage agentPackage, HaPairs pairs) {
        this.repository = repository;
        this.sync = new RouterSync(repository, desired, this::command, syncQueues);
        this.pairs = pairs;
        pairs.onDesiredChange(sync::markDirty);
        pairs.probeWith(this::haStatusNow);
        pairs.announceWith(this::announceAgain);
        this.haWatch = new HaWatch(this, pairs);
        this.commands = commands;
        this.offerings = offerings;
        this.vms = vms;
        this.queues = queues;
        this.configs = configs;
        this.tags = tags;
        this.agentPackage = agentPackage;
        vms.journal().registerUndo(UNDO_UNCLAIM, args -> repository.unclaim(args.get("l3"), args.get("vr")));
    }

    public void registerAgents(String hypervisorType, ApplianceAgents agents) {
        agentsByHypervisor.put(hypervisorType, agents);
    }

    /** Where the second router of a pair goes: another host than the first's, when there is one. */
    void usePlacement(PairPlacement placement) {
        this.placement = placement;
    }

    HaPairs pairs() {
        return pairs;
    }

    HaWatch haWatch() {
        return haWatch;
    }

    /** Tells {@code listener(vrUuid, status)} of every status change of a router (the console's live events). */
    public void onStatusChanged(java.util.function.BiConsumer<String, String> listener) {
        repository.onStatusChanged(listener);
    }

    Optional<RouterRepository.Router> find(String vrUuid) {
        return repository.find(vrUuid);
    }

    /** The given routers, in one read (a ping round's). */
    List<RouterRepository.Router> findAll(java.util.Collection<String> vrUuids) {
        return repository.findAll(vrUuids);
    }

    // ---------------------------------------------------------------- acquire

    /** The running, connected router of a guest L3, created or started if needed. */
    public RouterRepository.Router acquire(String guestL3) {
        try {
            return queues.submit(Task.of("vr-acquire-" + guestL3, "acquire-vr", () -> acquireSerially(guestL3))).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ApiException api) {
                throw api;
            }
            throw ApiException.operationFailed("cannot get a virtual router for L3 network " + guestL3 + ": " + cause.getMessage());
        }
    }

    private RouterRepository.Router acquireSerially(String guestL3) throws InterruptedException {
        RouterRepository.Router first = acquireFirst(guestL3);
        if (repository.pairOf(guestL3).isPresent()) {
            ensurePeer(guestL3, first);
        }
        return first;
    }

    private RouterRepository.Router acquireFirst(String guestL3) throws InterruptedException {
        long deadline = System.nanoTime() + commands.timeout().toNanos();
        while (true) {
            Optional<String> existing = repository.routerOf(guestL3);
            if (existing.isPresent()) {
                Optional<RouterRepository.Router> router = repository.find(existing.get());
                boolean settling = router.isPresent() && (TRANSITIONAL.contains(router.get().state())
                        || router.get().running() && CONNECTING.equals(router.get().status()));
                if (router.isPresent() && !settling) {
                    return ensureUsable(router.get());
                }
                if (router.isPresent() && System.nanoTime() > deadline) {
                    return ensureUsable(router.get());
                }
                // no router behind the claim: another node is writing it (a matter of milliseconds), or a node died
                // between the claim and the router's rows
                if (router.isEmpty() && repository.claimOlderThan(guestL3, existing.get(), ORPHAN_CLAIM_AGE)) {
                    abandonCreation(guestL3, existing.get());
                }
                Thread.sleep(100);
                continue;
            }
            Optional<RouterRepository.Router> created = createIfClaimed(guestL3, Uuid.random(),
                    // the replacement of a pair's first router goes apart from the second, which serves meanwhile
                    repository.peerOf(guestL3).flatMap(repository::find).orElse(null));
            if (created.isPresent()) {
                return created.get();
            }
        }
    }

    /**
     * The second router of a VRRP pair, created (or started) beside the first: "created together" means an HA L3
     * is not handed to a VM before both were tried. Its failure is logged, not thrown: the first router serves
     * alone, and the pair keeper ({@link #keepPairs}) tries again.
     */
    private void ensurePeer(String guestL3, RouterRepository.Router first) {
        RouterRepository.Pair pair = repository.pairOf(guestL3).orElseThrow();
        try {
            if (pair.peer() == null) {
                String peerUuid = Uuid.random();
                if (repository.claimPeer(guestL3, peerUuid)) {
                    try {
                        createPeer(guestL3, peerUuid, first);
                    } catch (RuntimeException e) {
                        repository.unclaimPeer(guestL3, peerUuid);
                        throw e;
                    }
                }
            } else {
                repository.find(pair.peer()).ifPresent(this::ensureUsable);
            }
        } catch (RuntimeException e) {
            LOG.warn("the second router of the VRRP pair of L3 {} is not up ({}); router {} serves alone until it is",
                    guestL3, e.getMessage(), first.uuid());
        }
    }

    /**
     * Brings every pair back to two running routers: one destroyed is replaced, one stopped is started. Called by
     * the ping tracker every round; each L3 on its acquire queue, so it never races a VM's own acquire.
     */
    void keepPairs() {
        pairs.reviewStandDowns();
        convertTaggedPlainRouters();
        for (String guestL3 : repository.haGuestL3s()) {
            RouterRepository.Pair pair = repository.pairOf(guestL3).orElse(null);
            if (pair == null || queues.pendingCount("vr-acquire-" + guestL3) > 0 || queues.runningCount("vr-acquire-" + guestL3) > 0) {
                // missing while being created: the acquire under way brings it
                continue;
            }
            if (!pairs.isHa(guestL3)) {
                // the HA tag was removed: the pair becomes one plain router
                queues.submit(Task.of("vr-acquire-" + guestL3, "convert-pair-to-plain", () -> {
                    convertToPlain(guestL3);
                    return null;
                }).withCoalescingKey("convert-plain")).whenComplete((ok, e) -> {
                    if (e != null) {
                        LOG.warn("cannot turn the VRRP pair of L3 {} into a plain router yet (retried next round): {}", guestL3,
                                e.getMessage());
                    }
                });
                continue;
            }
            boolean whole = pair.routers().size() == 2 && pair.routers().stream()
                    .allMatch(r -> repository.find(r).map(RouterRepository.Router::running).orElse(false));
            if (!whole) {
                LOG.info("the VRRP pair of L3 {} has {} running router(s): bringing it back to two", guestL3,
                        pair.routers().stream().filter(r -> repository.find(r).map(RouterRepository.Router::running).orElse(false)).count());
                queues.submit(Task.of("vr-acquire-" + guestL3, "keep-vr-pair", () -> acquireSerially(guestL3))
                        .withCoalescingKey("keep-pair"))
                        .whenComplete((ok, e) -> {
                            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                            if (cause != null && !(cause instanceof io.vrouter.server.task.TaskSupersededException)) {
                                LOG.warn("cannot bring the VRRP pair of L3 {} back to two: {}", guestL3, e.getMessage());
                            }
                        });
            }
        }
    }

    // ---------------------------------------------------------------- plain router -> pair

    /**
     * Guest L3s tagged {@code virtualRouterHa::VRRP} after their plain router was created become pairs, each on its
     * acquire queue (so never beside a VM's own acquire): see {@link #convertToPair}.
     */
    private void convertTaggedPlainRouters() {
        for (String guestL3 : tags.resourcesWithSystemTag(VirtualRouterSettings.L3_NETWORK_VO, VirtualRouterSettings.HA.render("VRRP"))) {
            Optional<RouterRepository.Router> plain = repository.routerOf(guestL3).flatMap(repository::find).filter(r -> isPlainRouterOf(r, guestL3));
            if (plain.isEmpty() || queues.pendingCount("vr-acquire-" + guestL3) > 0 || queues.runningCount("vr-acquire-" + guestL3) > 0) {
                continue;
            }
            queues.submit(Task.of("vr-acquire-" + guestL3, "convert-vr-to-pair", () -> {
                convertToPair(guestL3);
                return null;
            }).withCoalescingKey("convert-pair")).whenComplete((ok, e) -> {
                if (e != null) {
                    LOG.warn("cannot turn the router of L3 {} into a VRRP pair yet (retried next round): {}", guestL3, e.getMessage());
                }
            });
        }
    }

    /** A plain router holds the L3's gateway as its own guest address; a pair's routers never do. */
    private boolean isPlainRouterOf(RouterRepository.Router router, String guestL3) {
        return DesiredRouterState.nicOn(repository.nicsOf(router.uuid()), guestL3).map(n -> n.ip().equals(n.gateway())).orElse(false);
    }

    /**
     * Turns the plain router of an HA-tagged guest L3 into a pair, the L3 served throughout:
     * <ol>
     *   <li>the pair's record and floating public address;</li>
     *   <li>the new router, apart from the plain one, fully synced (every lease, rule and VIP) but held in FAULT,
     *   holding no address, so the L3 keeps exactly one gateway on its L2;</li>
     *   <li>the plain router destroyed, then the new one released: it becomes master alone and takes the gateway, the
     *   floating public address and the VIPs, with gratuitous ARP (the guests' gap: the destroy plus one VRRP
     *   takeover);</li>
     *   <li>the plain router's replacement, the pair's second router, created apart from the first.</li>
     * </ol>
     * Resumable: a failure leaves the plain router serving (or the new one, if the plain one is gone), and the next
     * round goes on from there.
     */
    private void convertToPair(String guestL3) throws InterruptedException {
        RouterRepository.Router plain = repository.routerOf(guestL3).flatMap(repository::find).orElse(null);
        if (plain == null || !isPlainRouterOf(plain, guestL3) || !pairs.isHa(guestL3)) {
            return;
        }
        if (!plain.running() || !CONNECTED.equals(plain.status())) {
            throw ApiException.operationFailed("its router " + plain.uuid() + " is " + plain.state() + "/" + plain.status());
        }
        LOG.info("L3 {} is tagged for a VRRP pair: turning its plain router {} into one", guestL3, plain.uuid());
        RouterRepository.Pair pair = pairs.ensurePair(guestL3, plain.publicL3());
        String held = pair.peer() != null ? pair.peer() : Uuid.random();
        pairs.holdForConversion(guestL3, held);
        boolean plainGone = false;
        try {
            if (pair.peer() == null) {
                if (!repository.claimPeer(guestL3, held)) {
                    throw ApiException.operationFailed("another node is making the pair");
                }
                try {
                    createPeer(guestL3, held, plain);
                } catch (RuntimeException e) {
                    repository.unclaimPeer(guestL3, held);
                    throw e;
                }
            } else {
                repository.find(held).ifPresent(this::ensureUsable);
                sync.syncNow(held);
            }
            vms.destroy(plain.uuid());
            plainGone = true;
        } finally {
            if (plainGone || repository.find(held).isEmpty()) {
                pairs.conversionDone(guestL3);
            }
        }
        sync.syncNow(held);
        LOG.info("L3 {}: router {} serves as the pair's first; creating its partner", guestL3, held);
        acquireSerially(guestL3);
    }

    // ---------------------------------------------------------------- pair -> plain router

    /**
     * Turns the pair of a guest L3 whose {@code virtualRouterHa} tag was removed back into one plain router, the L3
     * served throughout:
     * <ol>
     *   <li>the router to keep: the master as the node sees it (else one running and connected); it becomes the L3's
     *   one router of record ({@link RouterRepository#keepOnly});</li>
     *   <li>its partner destroyed: the master serves on (VRRP without a peer keeps it master);</li>
     *   <li>its guest nic takes the L3's gateway address (its own address released), the pair's record and floating
     *   public address go, and the router is synced: its agent gives the guest nic the gateway and stops keepalived
     *   and conntrackd. The gateway stays on the same nic with the same MAC, so the guests' ARP caches stay right; the
     *   guests' gap is the moment between keepalived dropping its addresses and the agent putting the gateway back.</li>
     * </ol>
     * Source NAT goes to the router's own public address: established connections through SNAT do not survive (as on
     * the way in), EIPs and port forwarding keep their VIPs. Resumable: each step looks at what is done, a failure
     * leaves the L3 served by the master and the next round goes on.
     */
    private void convertToPlain(String guestL3) {
        RouterRepository.Pair pair = repository.pairOf(guestL3).orElse(null);
        if (pair == null || pairs.isHa(guestL3)) {
            return;
        }
        List<RouterRepository.Router> usable = pair.routers().stream().map(repository::find).flatMap(Optional::stream)
                .filter(r -> r.running() && CONNECTED.equals(r.status())).toList();
        RouterRepository.Router keep = usable.stream().filter(r -> repository.haStatus(r.uuid()) == HaStatus.Master).findFirst()
                .or(() -> usable.stream().findFirst())
                .orElseThrow(() -> ApiException.operationFailed("no router of its pair " + pair.routers() + " is running and connected"));
        LOG.info("L3 {} is no longer tagged for a VRRP pair: keeping router {} ({}) as its plain router", guestL3, keep.uuid(),
                repository.haStatus(keep.uuid()));
        repository.keepOnly(guestL3, keep.uuid());
        for (String other : pair.routers()) {
            if (!other.equals(keep.uuid()) && vms.exists(other)) {
                vms.destroy(other);
            }
        }
        if (!isPlainRouterOf(keep, guestL3)) {
            String gateway = repository.gatewayOf(guestL3);
            if (gateway == null) {
                throw ApiException.operationFailed("L3 network " + guestL3 + " has no IP range, so no gateway for its router");
            }
            vms.changeNicIp(keep.uuid(), guestL3, gateway);
        }
        pairs.dissolve(repository.pairOf(guestL3).orElse(pair));
        haWatch.unwatch(keep.uuid());
        sync.syncNow(keep.uuid());
        // shown once its agent dropped VRRP (a report it sent before is read as NoHa too: HaPairs.reported)
        repository.setHaStatus(keep.uuid(), HaStatus.NoHa);
        LOG.info("L3 {}: router {} is its plain router again", guestL3, keep.uuid());
    }

    /** Another node claimed the L3 first: it creates the router. */
    private static final class ClaimLost extends RuntimeException {
        ClaimLost() {
            super("another node claimed the L3 first", null, false, false);
        }
    }

    /** Drops a claim whose creator died, with the VM it may have written before its appliance row. */
    private void abandonCreation(String guestL3, String vrUuid) {
        LOG.warn("router {} of L3 {} was claimed {} s ago or more and never written: its creator died; dropping it",
                vrUuid, guestL3, ORPHAN_CLAIM_AGE.toSeconds());
        if (vms.exists(vrUuid)) {
            try {
                vms.destroy(vrUuid);
            } catch (RuntimeException e) {
                LOG.warn("cannot destroy the half-created router VM {}: {} (destroy it by hand)", vrUuid, e.getMessage());
            }
        }
        repository.unclaim(guestL3, vrUuid);
    }

    private RouterRepository.Router ensureUsable(RouterRepository.Router router) {
        switch (router.state()) {
            case "Running" -> {
                if (!CONNECTED.equals(router.status())) {
                    reconnect(router.uuid());
                }
            }
            case "Stopped", "Created" -> vms.start(router.uuid());
            default -> throw new ApiException(ErrorCode.VR_WRONG_STATE, "virtual router in a wrong state",
                    "virtual router " + router.name() + " (" + router.uuid() + ") is " + router.state()
                            + "; wait for it to finish, or destroy it");
        }
        RouterRepository.Router now = repository.find(router.uuid()).orElseThrow();
        if (!CONNECTED.equals(now.status())) {
            throw ApiException.operationFailed("virtual router " + now.name() + " (" + now.uuid() + ") is " + now.status()
                    + "; see ReconnectVirtualRouter");
        }
        return now;
    }

    /** Claims the guest L3 and creates its router; empty when another node claimed it first. */
    private Optional<RouterRepository.Router> createIfClaimed(String guestL3, String vrUuid, RouterRepository.Router partner) {
        FlowChain chain = FlowChain.named("create-vr " + vrUuid + " for L3 " + guestL3)
                .then(vms.journal().recorded("claim guest L3", ctx -> {
                    if (!repository.claim(guestL3, vrUuid)) {
                        throw new ClaimLost();
                    }
                }, UNDO_UNCLAIM, ctx -> Map.of("l3", guestL3, "vr", vrUuid)));
        try {
            runCreation(withRouterSteps(chain, guestL3, vrUuid, partner));
        } catch (ClaimLost lost) {
            return Optional.empty();
        }
        return Optional.of(connected(vrUuid, partner));
    }

    /** The second router of a VRRP pair, whose claim the caller holds; placed apart from {@code first}. */
    private RouterRepository.Router createPeer(String guestL3, String vrUuid, RouterRepository.Router first) {
        runCreation(withRouterSteps(FlowChain.named("create-vr " + vrUuid + " (second of the pair) for L3 " + guestL3),
                guestL3, vrUuid, first));
        return connected(vrUuid, first);
    }

    /** The steps of a router's creation after its claim; the VM's creation is journaled, so a crash undoes it. */
    private FlowChain withRouterSteps(FlowChain chain, String guestL3, String vrUuid, RouterRepository.Router partner) {
        return chain.then("choose offering", ctx -> ctx.put(OFFERING, offerings.selectFor(guestL3, repository.zoneOf(guestL3))))
                .then(vms.journal().recorded("create router vm", ctx -> createVm(guestL3, vrUuid, ctx.get(OFFERING), partner),
                        VmInstances.UNDO_DESTROY, ctx -> Map.of("vm", vrUuid)))
                // undone by the VM's destroy: the appliance row goes with the VM's row (ON DELETE CASCADE)
                .then("write appliance", ctx -> writeAppliance(vrUuid, ctx.get(OFFERING)))
                .then("start router vm", ctx -> vms.start(vrUuid));
    }

    /** Runs a router's creation; a failure is thrown as its cause, with the rollbacks' failures attached. */
    private static void runCreation(FlowChain chain) {
        try {
            chain.run();
        } catch (FlowException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                for (Throwable rollbackFailure : e.getSuppressed()) {
                    cause.addSuppressed(rollbackFailure);
                }
                throw cause;
            }
            throw e;
        }
    }

    /** The router just created, which must be Connected; its pair partner, if any, learns its address. */
    private RouterRepository.Router connected(String vrUuid, RouterRepository.Router partner) {
        if (partner != null) {
            sync.markDirty(partner.uuid());
        }
        RouterRepository.Router router = repository.find(vrUuid).orElseThrow();
        if (!CONNECTED.equals(router.status())) {
            throw ApiException.operationFailed("virtual router " + router.name() + " (" + vrUuid + ") was created but its agent"
                    + " did not connect; it is " + router.status() + " (see the log, then ReconnectVirtualRouter)");
        }
        return router;
    }

    private static final FlowKey<VirtualRouterOfferings.VrOffering> OFFERING = FlowKey.of("offering");

    /**
     * The router's VM, not started.
     *
     * @param partner the pair's other router when this is the second one (placed apart from it), else null
     */
    private void createVm(String guestL3, String vrUuid, VirtualRouterOfferings.VrOffering offering, RouterRepository.Router partner) {
        String zone = repository.zoneOf(guestL3);
        InstanceShape shape = InstanceShape.of(offering, guestL3);
        Map<String, String> requiredIps = new LinkedHashMap<>();
        boolean flat = guestL3.equals(offering.publicNetworkUuid()) || guestL3.equals(offering.managementNetworkUuid());
        boolean pair = !flat && (repository.pairOf(guestL3).isPresent() || partner == null && pairs.isHa(guestL3));
        if (pair) {
            // a pair's routers each have an address of their own; the gateway floats with the master
            pairs.ensurePair(guestL3, offering.publicNetworkUuid());
        } else if (!flat) {
            // the router is the guests' gateway: its guest nic takes the L3's gateway address
            String gateway = repository.gatewayOf(guestL3);
            if (gateway == null) {
                throw ApiException.operationFailed("L3 network " + guestL3 + " has no IP range, so no gateway for its router");
            }
            requiredIps.put(guestL3, gateway);
        }
        String avoidHost = partner == null ? null : vms.spec(partner.uuid()).hostUuid();
        String host = avoidHost == null ? null : placement.hostApartFrom(zone, avoidHost, repository.l2sOf(shape.l3s()));
        VmCreation creation = VmCreation.builder("virtualRouter.l3." + guestL3 + (partner == null ? "" : ".peer"),
                        VmSpec.APPLIANCE_VM, zone)
                .uuid(vrUuid)
                .placement(null, host)
                .description("virtual router of L3 network " + guestL3)
                .image(offering.imageUuid(), "Linux")
                .offering(offering.uuid(), shape.cpuNum(), shape.cpuSpeed(), shape.memorySize())
                .l3Networks(shape.l3s())
                .requiredIps(requiredIps)
                .defaultL3(offering.publicNetworkUuid())
                .startImmediately(false)
                .build();
        vms.create(creation);
    }

    private void writeAppliance(String vrUuid, VirtualRouterOfferings.VrOffering offering) {
        repository.insertAppliance(vrUuid, offering.managementNetworkUuid(), offering.publicNetworkUuid(), offering.uuid(), newSecret());
        // the offering's parallelism tag is inherited by its routers
        tags.systemTagValues(offering.uuid(), VirtualRouterSettings.COMMANDS_PARALLELISM_DEGREE).forEach(v ->
                tags.createInherent(VirtualRouterSettings.VM_INSTANCE_VO, vrUuid,
                        VirtualRouterSettings.COMMANDS_PARALLELISM_DEGREE.render(v.get("parallelismDegree"))));
    }

    /** The router's shape: the offering's CPU and memory and one nic per distinct L3 (management, public, guest). */
    private record InstanceShape(int cpuNum, long cpuSpeed, long memorySize, List<String> l3s) {
        static InstanceShape of(VirtualRouterOfferings.VrOffering offering, String guestL3) {
            List<String> l3s = new ArrayList<>();
            for (String l3 : List.of(offering.managementNetworkUuid(), offering.publicNetworkUuid(), guestL3)) {
                if (!l3s.contains(l3)) {
                    l3s.add(l3);
                }
            }
            return new InstanceShape(offering.cpuNum(), offering.cpuSpeed(), offering.memorySize(), l3s);
        }
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ---------------------------------------------------------------- connect

    String agentUrl(RouterRepository.Router router) {
        ApplianceAgents agents = agentsByHypervisor.get(router.hypervisorType());
        if (agents == null) {
            throw ApiException.operationFailed("no way to reach agents of " + router.hypervisorType() + " routers");
        }
        return agents.agentUrl(vms.spec(router.uuid()));
    }

    /** ReconnectVirtualRouter: on the router's VM queue, so it never overlaps a start, stop or reboot. */
    public void reconnect(String vrUuid) {
        RouterRepository.Router router = repository.find(vrUuid).orElseThrow(() -> ApiException.notFound("virtual router", vrUuid));
        if (!router.running()) {
            throw new ApiException(ErrorCode.VR_WRONG_STATE, "virtual router in a wrong state",
                    "virtual router " + router.name() + " (" + vrUuid + ") is " + router.state() + "; ReconnectVirtualRouter needs it Running");
        }
        try {
            queues.submit(Task.ofRunnable(VmInstances.signature(vrUuid), "reconnect-vr", () -> connect(vrUuid))
                    .withCoalescingKey("reconnect")).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof ApiException api ? api : ApiException.operationFailed(cause.getMessage());
        }
    }

    /**
     * What a guest L3 asks of its router changed (its DNS servers, or the services attached to it): its router is
     * synced, which sends the difference. A failure is logged: the change is stored, the sync retries.
     */
    public void guestL3Changed(String l3Uuid) {
        repository.routersOf(l3Uuid).forEach(vr -> {
            try {
                sync.syncNow(vr);
            } catch (RuntimeException e) {
                LOG.warn("router {} did not take the new settings of L3 {}: {}", vr, l3Uuid, e.getMessage());
            }
        });
    }

    /**
     * The database changed what the router of this guest L3 should hold: waits for a sync of it that started after
     * this call (nothing to wait for when the L3 has no router); throws when that sync failed.
     */
    public void syncRouterOf(String guestL3Uuid) {
        waitForSyncs(guestL3Uuid, sync::markDirty);
    }

    /** As {@link #syncRouterOf}, when the database changed only these rules: the sync reads just them. */
    public void syncRulesOf(String guestL3Uuid, Set<String> ruleUuids) {
        waitForSyncs(guestL3Uuid, vr -> sync.markRulesDirty(vr, ruleUuids));
    }

    private void waitForSyncs(String guestL3Uuid, Function<String, CompletableFuture<Void>> markDirty) {
        // both routers of a pair get the same desired state; each is waited for
        List<String> routers = repository.routersOf(guestL3Uuid);
        var syncs = routers.stream().map(markDirty).toList();
        RuntimeException first = null;
        for (int i = 0; i < syncs.size(); i++) {
            try {
                syncs.get(i).join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                RuntimeException failure = cause instanceof ApiException api ? api
                        : ApiException.operationFailed("sync of virtual router " + routers.get(i) + " failed: " + cause.getMessage());
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
            }
        }
        if (first != null && !(routers.size() == 2 && anyInSync(routers))) {
            throw first;
        } else if (first != null) {
            // one router of a pair took the change and serves; the other is retried by its sync's backoff
            LOG.warn("one router of the pair of L3 {} did not take the change yet: {}", guestL3Uuid, first.getMessage());
        }
    }

    private boolean anyInSync(List<String> routers) {
        return routers.stream().anyMatch(r -> repository.find(r).map(x -> x.running() && CONNECTED.equals(x.status())).orElse(false)
                && sync.lastSucceeded(r));
    }

    RouterSync sync() {
        return sync;
    }

    /** Queues a Reconnect without waiting; a pending one for the same router absorbs it. */
    public java.util.concurrent.CompletableFuture<Void> reconnectInBackground(String vrUuid) {
        return queues.submit(Task.ofRunnable(VmInstances.signature(vrUuid), "reconnect-vr", () -> {
            RouterRepository.Router router = repository.find(vrUuid).orElse(null);
            if (router != null && router.running()) {
                connect(vrUuid);
            }
        }).withCoalescingKey("reconnect"));
    }

    /**
     * For a router of a host this node just took over: reconnects it unless it is Connected when the task runs (on the
     * VM's queue, after whatever this node was doing to it): a Connecting or Disconnected status then is what the
     * previous node left.
     */
    void reconnectUnlessConnected(String vrUuid) {
        queues.submit(Task.ofRunnable(VmInstances.signature(vrUuid), "reconnect-vr", () -> {
            RouterRepository.Router router = repository.find(vrUuid).orElse(null);
            if (router != null && router.running() && !CONNECTED.equals(router.status())) {
                LOG.info("virtual router {} of a host taken over is {}: reconnecting", vrUuid, router.status());
                connect(vrUuid);
            }
        }).withCoalescingKey("reconnect"));
    }

    /**
     * The connect process; throws (after marking the router Disconnected) when any step fails. The two routers of a
     * pair connect one at a time, so an agent upgrade (which restarts keepalived) never takes both down at once.
     */
    void connect(String vrUuid) {
        Optional<RouterRepository.Pair> pair = repository.pairServedBy(vrUuid);
        if (pair.isEmpty()) {
            connectAlone(vrUuid);
            return;
        }
        var lock = pairConnects.computeIfAbsent(pair.get().guestL3(), k -> new java.util.concurrent.locks.ReentrantLock());
        lock.lock();
        try {
            connectAlone(vrUuid);
        } finally {
            lock.unlock();
        }
    }

    private void connectAlone(String vrUuid) {
        RouterRepository.Router router = repository.find(vrUuid).orElseThrow(() -> ApiException.notFound("virtual router", vrUuid));
        repository.setStatus(vrUuid, CONNECTING);
        try {
            String url = agentUrl(router);
            EchoReply echo;
            long t0 = System.nanoTime();
            try {
                echo = waitForEcho(router, url);
            } catch (AgentException refused) {
                if (!refused.isTlsRefused()) {
                    throw refused;
                }
                // no TLS session: an agent from before TLS, or a certificate of a replaced authority; the hypervisor,
                // not the agent's port, is how a new agent and certificate get in, so deploying is safe (docs/tls.md)
                LOG.info("the agent of router {} refused TLS or is not of this installation ({}): redeploying it", vrUuid,
                        refused.getMessage());
                echo = new EchoReply(false, null, null, "none: TLS refused");
            }
            boolean deploy = configs.boolValue(VirtualRouterSettings.VR, VirtualRouterSettings.DEPLOY_ON_START)
                    || !agentPackage.md5().equals(echo.md5());
            if (deploy) {
                LOG.info("deploying agent {} to router {} (it reported md5 {})", agentPackage.md5(), vrUuid, echo.md5());
                agentsByHypervisor.get(router.hypervisorType()).deployAgent(vms.spec(vrUuid));
                url = agentUrl(router); // where the new agent listens (a backend may move it)
                echo = waitForEcho(router, url);
                if (!agentPackage.md5().equals(echo.md5())) {
                    throw ApiException.operationFailed("router " + vrUuid + " still runs agent md5 " + echo.md5()
                            + " after deploying " + agentPackage.md5());
                }
            }
            long echoed = System.nanoTime();
            commands.run(router, url, "init", c -> c.init(new InitCmd(router.uuid(), null, "INFO", List.of(), Map.of())));
            long initialized = System.nanoTime();
            // everything else through the router's one sync, so a connect never pushes a view older than a change
            // another sync already applied
            sync.syncFully(vrUuid);
            repository.setStatus(vrUuid, CONNECTED);
            LOG.debug("router {} connected: echo after {} ms, init {} ms, full sync {} ms", vrUuid, (echoed - t0) / 1_000_000,
                    (initialized - echoed) / 1_000_000, (System.nanoTime() - initialized) / 1_000_000);
            if (repository.pairServedBy(vrUuid).isPresent()) {
                haWatch.watch(vrUuid);
            }
            // a change committed after the full sync read the database found the router still Connecting and was not
            // sent: one more sync, now that the router is Connected, picks it up (usually it sends nothing)
            sync.syncNow(vrUuid);
        } catch (RuntimeException e) {
            repository.setStatus(vrUuid, DISCONNECTED);
            LOG.warn("virtual router {} did not connect: {}", vrUuid, e.getMessage());
            throw e;
        }
    }

    /** How often a booting router's agent is asked for its echo. */
    private static final long ECHO_POLL_MILLIS = 50;

    private EchoReply waitForEcho(RouterRepository.Router router, String url) {
        Duration timeout = commands.timeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        AgentClient client = commands.client(url, router.secret(), Duration.ofSeconds(5));
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return client.echo();
            } catch (AgentException e) {
                if (e.isTlsRefused()) {
                    throw e; // waiting cures nothing: the caller redeploys
                }
                last = e;
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                // a refused connection costs little; a long pause here is added to every new router's first lease
                Thread.sleep(ECHO_POLL_MILLIS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw ApiException.operationFailed("interrupted while waiting for the agent of router " + router.uuid());
            }
        }
        throw ApiException.operationFailed("the agent of router " + router.name() + " (" + router.uuid() + ") at " + url
                + " did not answer /echo within " + timeout.toSeconds() + " s: " + (last == null ? "no attempt" : last.getMessage()));
    }

    /** Sends one command to a connected router. */
    public <T> T command(RouterRepository.Router router, String name, java.util.function.Function<AgentClient, T> command) {
        return commands.run(router, agentUrl(router), name, command);
    }

    /** The router's HA status as its agent says it now; empty when it does not answer within 2 s. */
    private Optional<HaStatus> haStatusNow(String vrUuid) {
        try {
            RouterRepository.Router router = repository.find(vrUuid).orElse(null);
            if (router == null || !router.running()) {
                return Optional.empty();
            }
            return Optional.of(HaStatus.of(client(router, Duration.ofSeconds(2)).haStatusAsync(-1, Duration.ZERO)
                    .get(3, java.util.concurrent.TimeUnit.SECONDS).haStatus()));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
    }

    /**
     * Tells a master's agent to announce its floating addresses again, without waiting (called while the node judges
     * a pair). A failure is logged: the neighbours then learn the master's MAC when their ARP entries expire.
     */
    private void announceAgain(String vrUuid) {
        try {
            RouterRepository.Router router = repository.find(vrUuid).orElse(null);
            if (router == null || !router.running()) {
                return;
            }
            client(router, Duration.ofSeconds(5)).announceHaAsync().whenComplete((reply, error) -> {
                if (error != null || !reply.success()) {
                    LOG.warn("router {} did not announce its floating addresses again: {}", vrUuid,
                            error != null ? error.toString() : reply.error());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("cannot ask router {} to announce its floating addresses again: {}", vrUuid, e.toString());
        }
    }

    /** A client of the router's agent with its own timeout (long polls). */
    AgentClient client(RouterRepository.Router router, Duration timeout) {
        return commands.client(agentUrl(router), router.secret(), timeout);
    }

    /** Rotates the router's agent certificate when its backend says it is due ({@link ApplianceAgents#renewCertificateIfDue}). */
    void renewCertificateIfDue(RouterRepository.Router router) {
        ApplianceAgents agents = agentsByHypervisor.get(router.hypervisorType());
        if (agents != null) {
            agents.renewCertificateIfDue(vms.spec(router.uuid()), client(router, Duration.ofSeconds(15)));
        }
    }

    /** One ping: the agent's reply, or an exception when it does not answer. */
    PingReply ping(RouterRepository.Router router, Duration timeout) {
        return commands.client(agentUrl(router), router.secret(), timeout).ping(router.uuid());
    }

    void markDisconnected(String vrUuid) {
        repository.setStatus(vrUuid, DISCONNECTED);
        sync.forget(vrUuid);
        haWatch.unwatch(vrUuid);
        pairs.unreachable(vrUuid);
    }

    List<String> runningRouters() {
        return repository.runningRouters();
    }

    // ---------------------------------------------------------------- the router VM's own life

    @Override
    public void afterStart(VmSpec vm) {
        if (vm.isAppliance() && repository.isRouter(vm.uuid())) {
            connect(vm.uuid());
        }
    }

    @Override
    public void afterReboot(VmSpec vm) {
        afterStart(vm);
    }

    @Override
    public void afterStop(VmSpec vm) {
        if (vm.isAppliance() && repository.isRouter(vm.uuid())) {
            repository.setStatus(vm.uuid(), DISCONNECTED);
            sync.forget(vm.uuid());
            haWatch.unwatch(vm.uuid());
            pairs.unreachable(vm.uuid());
        }
    }

    @Override
    public void afterDestroy(VmSpec vm) {
        if (vm.isAppliance()) {
            List<String> served = repository.guestL3s(vm.uuid());
            repository.unclaimAll(vm.uuid());
            sync.forget(vm.uuid());
            haWatch.unwatch(vm.uuid());
            pairs.routerGone(vm.uuid(), served);
        }
    }
}
