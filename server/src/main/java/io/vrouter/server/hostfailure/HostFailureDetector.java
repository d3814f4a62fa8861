package io.vrouter.server.hostfailure;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.host.HostOwnership;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.HostStatus;
import io.vrouter.server.host.Hosts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one loop that watches hosts: runs the {@link DeathRule} on every host this management node tracks, every
 * {@code hostFailure/probe.interval}: probes the host's agent and, from up to {@code hostFailure/witnesses} peer hosts
 * of its cluster (this node standing in for missing peers), its data plane, through its type's {@link HostLiveness}.
 * <ul>
 * <li>A host confirmed dead is recorded Disconnected and handed to the {@link HostFailureListener}s (its routers
 * move).</li>
 * <li>A host whose agent alone has not answered for {@code host/ping.interval} times {@code host/ping.maxMisses}
 * seconds is recorded Disconnected and the listeners told ({@link HostFailureListener#agentLost}: its VMs Unknown);
 * nothing moves, its data plane may well forward.</li>
 * <li>A Disconnected host whose agent answers again is reconnected through {@link Hosts#reconnect}, whose connect
 * gates first destroy what it still holds of VMs that moved, and which reconciles it.</li>
 * <li>A Connected host whose agent answers with another identity (the agent restarted) is reconciled
 * ({@link HostLiveness#reconcile}).</li>
 * </ul>
 *
 * <p>Only the node tracking a host probes it ({@link HostOwnership}); a node that takes a host over starts its
 * confirmation from zero (a failover waits at most one confirmation time more).
 */
public final class HostFailureDetector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostFailureDetector.class);

    private final Hosts hosts;
    private final HostOwnership ownership;
    private final GlobalConfigs configs;
    private final Map<String, HostLiveness> livenessByType = new ConcurrentHashMap<>();
    private final List<HostFailureListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, DeathRule> rules = new ConcurrentHashMap<>();
    /** Hosts this node confirmed dead and whose listeners ran: not handed over twice. */
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("host-probe-timer"));
    private final ExecutorService probes = Executors.newFixedThreadPool(8, DaemonThreads.named("host-probe"));
    /** The witnesses' probes (each a call to a peer's agent that may wait for its timeout), apart from the rounds' pool. */
    private final ExecutorService witnessProbes = Executors.newCachedThreadPool(DaemonThreads.named("host-witness"));
    /** The identity of each tracked host's agent when it last answered: another one means the agent restarted. */
    private final Map<String, String> agentIdentities = new ConcurrentHashMap<>();
    /** Hosts recorded Disconnected because their agent alone stopped answering: told once per silence. */
    private final Set<String> agentLost = ConcurrentHashMap.newKeySet();
    /** The silence (its start) each suspect host has a confirmation scheduled for at its deadline. */
    private final Map<String, Long> deadlines = new ConcurrentHashMap<>();
    /** Confirmations at a deadline: apart from the rounds' timer, which a round holds while a dead host's probes time out. */
    private final ScheduledExecutorService deadlineTimer = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("host-death-deadline"));
    /** Hosts whose reconnect is running: one at a time per host. */
    private final Set<String> reconnecting = ConcurrentHashMap.newKeySet();
    /** Failovers and reconnects run here, so a slow one never delays the probes of any host. */
    private final ExecutorService failovers = Executors.newCachedThreadPool(DaemonThreads.named("host-failover"));
    private volatile boolean running;

    public HostFailureDetector(Hosts hosts, HostOwnership ownership, GlobalConfigs configs) {
        this.hosts = hosts;
        this.ownership = ownership;
        this.configs = configs;
        HostFailureSettings.register(configs);
    }

    public void registerLiveness(HostLiveness liveness) {
        if (livenessByType.putIfAbsent(liveness.hypervisorType(), liveness) != null) {
            throw new IllegalStateException("a host liveness for " + liveness.hypervisorType() + " is registered twice");
        }
    }

    public void addListener(HostFailureListener listener) {
        listeners.add(listener);
    }

    public synchronized void start() {
        running = true;
        scheduleNext();
    }

    private void scheduleNext(long roundMillis) {
        if (running) {
            // a round starts every probe interval; one that took longer (a dead host's probes time out) is followed
            // by the next at once
            long delay = Math.max(0, HostFailureSettings.probeInterval(configs).toMillis() - roundMillis);
            timer.schedule(this::roundQuietly, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void scheduleNext() {
        scheduleNext(0);
    }

    private void roundQuietly() {
        long started = System.nanoTime();
        try {
            round();
        } catch (RuntimeException e) {
            LOG.warn("host probe round failed; the next runs as scheduled", e);
        } finally {
            scheduleNext((System.nanoTime() - started) / 1_000_000);
        }
    }

    /** One probe of every tracked host; returns when all have been judged. */
    public void round() {
        // every host read once per round: the tracked ones are judged, and each is told its peers from the same read
        List<HostRecord> every = hosts.all();
        Set<String> owned = ownership.ownedHosts();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (HostRecord host : every) {
            if (owned.contains(host.uuid())) {
                all.add(CompletableFuture.runAsync(() -> judge(host, peersOf(host, every)), probes));
            }
        }
        all.forEach(f -> {
            try {
                f.join();
            } catch (RuntimeException e) {
                LOG.warn("probing a host failed: {}", e.getMessage());
            }
        });
        rules.keySet().retainAll(owned);
        agentIdentities.keySet().retainAll(owned);
        agentLost.retainAll(owned);
    }

    /** The other hosts of its zone and hypervisor type. */
    private static List<HostRecord> peersOf(HostRecord host, List<HostRecord> every) {
        return every.stream().filter(h -> !h.uuid().equals(host.uuid()) && h.zoneUuid().equals(host.zoneUuid())
                && h.hypervisorType().equals(host.hypervisorType())).toList();
    }

    private void judge(HostRecord host, List<HostRecord> peers) {
        String hostUuid = host.uuid();
        if (Hosts.MAINTENANCE.equals(host.state())) {
            rules.remove(hostUuid); // gone, or taken out by its operator: nothing to judge
            return;
        }
        HostLiveness liveness = livenessByType.get(host.hypervisorType());
        if (liveness == null) {
            return;
        }
        int witnesses = HostFailureSettings.witnesses(configs);
        DeathRule rule = rules.computeIfAbsent(hostUuid, h -> new DeathRule());
        DeathRule.Verdict before = rule.last();
        // the silence runs from the round's start (its probes heard nothing from then on) to the probes' end
        long seenAt = System.nanoTime();
        HostObservation seen = observe(host, peers, liveness, witnesses, before != DeathRule.Verdict.ALIVE, rule);
        Duration confirmTime = HostFailureSettings.confirmTime(configs);
        DeathRule.Verdict verdict = rule.observe(seen, seenAt, System.nanoTime(), confirmTime, liveness.fenceLag(), witnesses);
        switch (verdict) {
            case DEAD -> confirmDead(host, rule, seen.dataPlaneSilent());
            case SUSPECT -> confirmAtDeadline(host, rule, liveness.fenceLag(), confirmTime);
            case ALIVE -> {
                // back from the dead, or from a silence too short to be death (its host agent may have fenced its VMs
                // meanwhile): the reconnect's gates and reconcile make it match the database again
                boolean wasSilent = before == DeathRule.Verdict.SUSPECT || before == DeathRule.Verdict.DEAD;
                if ((Hosts.DISCONNECTED.equals(host.status()) || wasSilent) && ownership.owns(hostUuid)
                        && reconnecting.add(hostUuid)) {
                    LOG.info("host {} ({}) answers again: reconnecting it", host.name(), hostUuid);
                    // apart from the round: a reconnect's reconcile may wait minutes for a host that dies during it,
                    // and the rounds must go on judging that host and every other meanwhile
                    failovers.submit(() -> reconnect(host));
                }
            }
            default -> {
                // AGENT_DOWN: its data plane forwards, nothing moves
            }
        }
        // after the verdict: a reconnect it started covers an agent restart too
        if (verdict != DeathRule.Verdict.DEAD && !confirmed.contains(hostUuid)) {
            watchAgent(host, liveness, seen, rule);
        }
    }

    /**
     * Records the host Disconnected and hands it to the listeners (its routers move), once per death and only while this
     * node tracks it.
     */
    private void confirmDead(HostRecord host, DeathRule rule, int silentProbes) {
        String hostUuid = host.uuid();
        if (!ownership.owns(hostUuid) || !confirmed.add(hostUuid)) {
            return;
        }
        LOG.warn("host {} ({}) confirmed dead: its agent and its data plane ({} witness probes) were silent for {} ms",
                host.name(), hostUuid, silentProbes, rule.silentFor(System.nanoTime()).toMillis());
        hosts.recordStatus(hostUuid, HostStatus.Disconnected);
        HostRecord dead = hosts.find(hostUuid).orElse(host);
        if (HostFailureSettings.enabled(configs)) {
            failovers.submit(() -> listeners.forEach(l -> {
                try {
                    l.hostDead(dead);
                } catch (RuntimeException e) {
                    LOG.error("acting on the death of host {} failed: {}", hostUuid, e.toString(), e);
                }
            }));
        }
    }

    /**
     * A silent host is confirmed at its deadline, not at the first round to end after it: a dead host's rounds end
     * when its probes time out, which would add up to a round to every failover. Nothing that answered before the
     * deadline is overlooked: an answer reaches the rule the moment it arrives ({@link DeathRule#heard}).
     */
    private void confirmAtDeadline(HostRecord host, DeathRule rule, Duration fenceLag, Duration confirmTime) {
        long silentSince = rule.silentSince();
        if (silentSince < 0 || Long.valueOf(silentSince).equals(deadlines.put(host.uuid(), silentSince))) {
            return; // not silent any more, or this silence's confirmation is scheduled already
        }
        long delay = Math.max(0, rule.deadline(confirmTime, fenceLag) - System.nanoTime());
        deadlineTimer.schedule(() -> {
            deadlines.remove(host.uuid(), silentSince);
            try {
                if (rule.deadAt(System.nanoTime(), silentSince, confirmTime, fenceLag)) {
                    confirmDead(host, rule, HostFailureSettings.witnesses(configs));
                }
            } catch (RuntimeException e) {
                LOG.warn("confirming host {} dead failed: {}; its next round judges it again", host.uuid(), e.getMessage());
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    /**
     * What the agent alone says, whatever the rule's verdict: a silence of {@code host/ping.interval} times
     * {@code host/ping.maxMisses} makes a Connected host Disconnected; another identity on a Connected host means its
     * agent restarted, and the host is reconciled.
     */
    private void watchAgent(HostRecord host, HostLiveness liveness, HostObservation seen, DeathRule rule) {
        String hostUuid = host.uuid();
        if (!seen.agentAnswers()) {
            if (rule.agentSilentFor(System.nanoTime()).compareTo(HostFailureSettings.agentLostAfter(configs)) >= 0
                    && Hosts.CONNECTED.equals(host.status()) && ownership.owns(hostUuid) && agentLost.add(hostUuid)) {
                hosts.recordStatus(hostUuid, HostStatus.Disconnected);
                LOG.warn("the agent of host {} ({}) has not answered for {} s: Disconnected", host.name(), hostUuid,
                        rule.agentSilentFor(System.nanoTime()).toSeconds());
                HostRecord lost = hosts.find(hostUuid).orElse(host);
                listeners.forEach(l -> {
                    try {
                        l.agentLost(lost);
                    } catch (RuntimeException e) {
                        LOG.error("acting on the lost agent of host {} failed: {}", hostUuid, e.toString(), e);
                    }
                });
            }
            return;
        }
        agentLost.remove(hostUuid);
        String before = seen.agentIdentity() == null ? null : agentIdentities.put(hostUuid, seen.agentIdentity());
        if (before != null && !before.equals(seen.agentIdentity()) && Hosts.CONNECTED.equals(host.status())
                && ownership.owns(hostUuid) && reconnecting.add(hostUuid)) {
            LOG.info("the agent of host {} ({}) restarted: reconciling the host", host.name(), hostUuid);
            failovers.submit(() -> {
                try {
                    liveness.reconcile(host);
                } catch (RuntimeException e) {
                    LOG.warn("reconciling host {} after its agent restarted failed: {}", hostUuid, e.getMessage());
                } finally {
                    reconnecting.remove(hostUuid);
                }
            });
        }
    }

    private void reconnect(HostRecord host) {
        try {
            hosts.reconnect(host.uuid());
            confirmed.remove(host.uuid());
            HostRecord back = hosts.find(host.uuid()).orElse(host);
            listeners.forEach(l -> l.hostReturned(back));
        } catch (RuntimeException e) {
            LOG.warn("host {} answers but did not reconnect ({}); trying again next round", host.uuid(), e.getMessage());
        } finally {
            reconnecting.remove(host.uuid());
        }
    }

    /**
     * One look at the host: its agent first; its data plane from the witnesses when the agent does not answer. A host
     * already silent or agent-less ({@code suspect}) has its witnesses asked at the same time as its agent, so that
     * each round of a dying host takes one timeout, not two; a healthy host costs its witnesses nothing. The rule hears
     * of an answer of a suspect host as soon as it arrives, so a confirmation due meanwhile does not overlook it.
     */
    private HostObservation observe(HostRecord host, List<HostRecord> peers, HostLiveness liveness, int witnesses, boolean suspect,
                                    DeathRule rule) {
        if (!suspect) {
            Optional<String> agent = liveness.agentAnswers(host, peers);
            if (agent.isPresent()) {
                // the agent answers: alive, no need to bother the witnesses
                return new HostObservation(true, 0, 0, agent.get());
            }
            return witnessed(host, liveness, witnesses);
        }
        CompletableFuture<HostObservation> data = CompletableFuture.supplyAsync(() -> {
            HostObservation d = witnessed(host, liveness, witnesses);
            if (d.dataPlaneAnswered() > 0) {
                rule.heard(false, System.nanoTime());
            }
            return d;
        }, witnessProbes);
        Optional<String> agent = liveness.agentAnswers(host, peers);
        if (agent.isPresent()) {
            rule.heard(true, System.nanoTime());
        }
        HostObservation dataPlane = data.join();
        return agent.map(id -> new HostObservation(true, dataPlane.dataPlaneAnswered(), dataPlane.dataPlaneSilent(), id))
                .orElse(dataPlane);
    }

    /** The witnesses' probes of the host's data plane, all at once (its agent counted silent). */
    private HostObservation witnessed(HostRecord host, HostLiveness liveness, int witnesses) {
        List<HostRecord> peers = hosts.candidates(host.zoneUuid(), host.clusterUuid(), List.of()).stream()
                .filter(p -> !p.uuid().equals(host.uuid())).limit(witnesses).toList();
        List<HostRecord> from = new ArrayList<>(peers);
        if (from.size() < witnesses) {
            from.add(null); // this management node stands in for the missing peers, once
        }
        List<CompletableFuture<Optional<Boolean>>> probes = from.stream()
                .map(witness -> CompletableFuture.supplyAsync(() -> liveness.dataPlaneAnswers(host, witness), witnessProbes)).toList();
        int answered = 0;
        int silent = 0;
        for (CompletableFuture<Optional<Boolean>> probe : probes) {
            Optional<Boolean> reached = probe.join();
            if (reached.isPresent()) {
                if (reached.get()) {
                    answered++;
                } else {
                    silent++;
                }
            }
        }
        return new HostObservation(false, answered, silent);
    }

    @Override
    public synchronized void close() {
        running = false;
        timer.shutdownNow();
        deadlineTimer.shutdownNow();
        probes.shutdownNow();
        witnessProbes.shutdownNow();
        failovers.shutdownNow();
    }
}
