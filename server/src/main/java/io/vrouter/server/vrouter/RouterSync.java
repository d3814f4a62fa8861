package io.vrouter.server.vrouter;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.VipTO;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.task.Task;
import io.vrouter.server.task.TaskQueues;
import io.vrouter.server.task.TaskSupersededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The one path from the database to a router's agent, a level-triggered reconcile as Kubernetes controllers do it.
 *
 * <p>Whatever changed (a rule attached or detached, a VM started or stopped, a guest L3's DNS servers, a reconnect)
 * only marks the router dirty ({@link #markDirty}); the change itself is never carried. One serial worker per
 * router, a task on the queue {@code vr-sync-<uuid>} coalesced under one key, reads the router's desired state
 * from the database <em>when it runs</em> ({@link DesiredRouterState#read}) and sends the agent the difference from
 * what it last applied, or everything after a connect or a failure. So no sync can push a view of the database
 * older than a change already applied: a change committed while a sync runs marks the router dirty again, and the
 * next sync, which starts after that, reads it.
 *
 * <p>A change of some rules only ({@link #markRulesDirty}, what the rule APIs do) makes the sync read just those
 * rules and send what changed of them, applied to the rules it keeps from its last sync ({@link RouterRuleSet}):
 * the same few reads and commands at ten rules as at ten thousand. Any other change (VMs, nics, DNS, services, a
 * VIP's state, a connect, a failure) reads and compares everything; coalesced changes of both kinds read everything.
 *
 * <p>A caller that must know its change reached the router (an API call, a VM start) waits for the future
 * {@code markDirty} returns: it completes when a sync that started after the call has finished, exceptionally when
 * that sync failed. Failures are retried with a per-router backoff (success forgets the count), and a periodic
 * resync marks every running router dirty, so anything missed converges anyway.
 */
final class RouterSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterSync.class);
    private static final String KEY = "sync";
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /** How the worker reaches a router's agent: one command through the router's command queue. */
    interface Agents {
        <T> T command(RouterRepository.Router router, String name, Function<AgentClient, T> command);
    }

    private final RouterRepository repository;
    private final DesiredRouterState desired;
    private final Agents agents;
    private final TaskQueues queues;
    /** Per router, the sync that has not started yet: every caller until it starts shares it, and adds what changed. */
    private final Map<String, Pending> next = new ConcurrentHashMap<>();
    /** What each router's agent holds after our last successful sync; absent = unknown, the next sync sends everything. */
    private final Map<String, DesiredRouterState.Snapshot> applied = new ConcurrentHashMap<>();
    /** Routers whose next sync must send everything and push even while Connecting (a connect asked for it). */
    private final Set<String> fullRequested = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> retries = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("vr-sync-timer"));

    RouterSync(RouterRepository repository, DesiredRouterState desired, Agents agents, TaskQueues queues) {
        this.repository = repository;
        this.desired = desired;
        this.agents = agents;
        this.queues = queues;
    }

    /**
     * A sync not started yet: its callers' future, and what they changed: everything, or only some rules. Changed
     * only inside {@code next.compute}; the worker reads it after taking it out of {@code next}.
     */
    private static final class Pending {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        boolean everything;
        final Set<String> rules = new HashSet<>();
    }

    static String signature(String vrUuid) {
        return "vr-sync-" + vrUuid;
    }

    /**
     * The router is dirty. Returns a future that completes when a sync of it that started after this call has
     * finished (exceptionally when that sync failed); callers that need not wait may drop it.
     */
    CompletableFuture<Void> markDirty(String vrUuid) {
        return mark(vrUuid, null);
    }

    /**
     * Only these rules changed in the database (anything else that changed marks the router dirty as a whole): the
     * sync then reads just these rules and sends what changed of them, when it knows what the agent holds.
     */
    CompletableFuture<Void> markRulesDirty(String vrUuid, Set<String> ruleUuids) {
        return mark(vrUuid, ruleUuids);
    }

    /** @param rules the rules that changed; null: anything may have */
    private CompletableFuture<Void> mark(String vrUuid, Set<String> rules) {
        boolean[] created = {false};
        Pending waiting = next.compute(vrUuid, (k, pending) -> {
            if (pending == null) {
                created[0] = true;
                pending = new Pending();
            }
            if (rules == null) {
                pending.everything = true;
            } else {
                pending.rules.addAll(rules);
            }
            return pending;
        });
        if (created[0]) {
            // one task per waiting future; an older task still queued is superseded by this one (same key), and
            // whichever task starts first takes the future
            queues.submit(Task.ofRunnable(signature(vrUuid), "sync-vr", () -> run(vrUuid)).withCoalescingKey(KEY))
                    .whenComplete((ok, e) -> {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        if (cause != null && !(cause instanceof TaskSupersededException)) {
                            // rejected (shutting down) or timed out before it ran: nobody else will complete them
                            if (next.remove(vrUuid, waiting)) {
                                waiting.done.completeExceptionally(cause);
                            }
                        }
                    });
        }
        return waiting.done;
    }

    /** Marks the router dirty and waits for the sync; throws its failure as the API reports it. */
    void syncNow(String vrUuid) {
        join(markDirty(vrUuid), vrUuid);
    }

    /**
     * After a connect's init: the next sync sends everything, even while the router is still Connecting. Waits for
     * it; throws when it failed.
     */
    void syncFully(String vrUuid) {
        fullRequested.add(vrUuid);
        join(markDirty(vrUuid), vrUuid);
    }

    /** The agent's state is unknown (router stopped, disconnected, destroyed): the next sync sends everything. */
    void forget(String vrUuid) {
        applied.remove(vrUuid);
        failures.remove(vrUuid);
        ScheduledFuture<?> retry = retries.remove(vrUuid);
        if (retry != null) {
            retry.cancel(false);
        }
    }

    private static void join(CompletableFuture<Void> sync, String vrUuid) {
        try {
            sync.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof ApiException api ? api
                    : ApiException.operationFailed("sync of virtual router " + vrUuid + " failed: " + cause.getMessage());
        }
    }

    // ---------------------------------------------------------------- the worker

    private void run(String vrUuid) {
        Pending mine = next.remove(vrUuid);
        boolean full = fullRequested.remove(vrUuid);
        try {
            // a task without its pending sync (taken by another) knows nothing of what changed: it reads everything
            reconcile(vrUuid, full, mine == null || mine.everything ? null : mine.rules);
            failures.remove(vrUuid);
            if (mine != null) {
                mine.done.complete(null);
            }
        } catch (RuntimeException e) {
            applied.remove(vrUuid);
            if (full) {
                fullRequested.add(vrUuid);
            }
            scheduleRetry(vrUuid);
            if (mine != null) {
                mine.done.completeExceptionally(e);
            }
        }
    }

    /** @param changedRules when only these rules changed; null: anything may have */
    private void reconcile(String vrUuid, boolean full, Set<String> changedRules) {
        RouterRepository.Router router = repository.find(vrUuid).orElse(null);
        boolean reachable = router != null && router.running()
                && (VirtualRouters.CONNECTED.equals(router.status()) || full && VirtualRouters.CONNECTING.equals(router.status()));
        if (!reachable) {
            // its next connect sends everything; until then there is nobody to tell
            applied.remove(vrUuid);
            return;
        }
        DesiredRouterState.Snapshot have = full ? null : applied.get(vrUuid);
        if (have != null && changedRules != null) {
            // only those rules are read, and only what changed of them is sent: a rule change costs the same at any
            // number of rules. What the agent holds is kept up to date in place; a failure forgets it (run).
            RouterRuleSet.Delta delta = have.rules().replace(changedRules, desired.rulesOnly(router, changedRules));
            DesiredRouterState.State base = have.base();
            sendDifference(router, withRules(base, delta.vipsBefore(), delta.eipsBefore(), delta.portForwardingsBefore()),
                    withRules(base, delta.vipsAfter(), delta.eipsAfter(), delta.portForwardingsAfter()));
            return;
        }
        DesiredRouterState.Snapshot want = desired.read(router);
        if (have == null) {
            sendAll(router, want.state());
        } else {
            sendDifference(router, have.state(), want.state());
        }
        applied.put(vrUuid, want);
    }

    /** The router's state with no nics, DNS, DHCP or SNAT (so none is sent) and these rules. */
    private static DesiredRouterState.State withRules(DesiredRouterState.State base, List<VipTO> vips, List<EipTO> eips,
                                                      List<PortForwardingRuleTO> portForwardings) {
        return new DesiredRouterState.State(List.of(), base.ha(), List.of(), List.of(), List.of(), vips, eips, portForwardings);
    }

    /** Reference §2's order after init: nics (then the router's part in a VRRP pair), DNS, DHCP (rebuild), SNAT, VIPs, port forwarding, EIPs. */
    private void sendAll(RouterRepository.Router router, DesiredRouterState.State state) {
        agents.command(router, "configurenic", c -> c.configureNics(state.nics()));
        if (state.ha().enabled()) {
            // a plain router's agent is never told about HA: its commands stay exactly what they were
            agents.command(router, "configureha", c -> c.configureHa(state.ha()));
        }
        agents.command(router, "setdns", c -> c.setDns(state.dns()));
        agents.command(router, "adddhcp", c -> c.addDhcp(state.dhcp(), true));
        agents.command(router, "syncsnat", c -> c.syncSnat(state.snats(), true));
        agents.command(router, "syncvip", c -> c.syncVips(state.vips()));
        agents.command(router, "syncportforwarding", c -> c.syncPortForwarding(state.portForwardings()));
        agents.command(router, "synceip", c -> c.syncEips(state.eips()));
    }

    /**
     * Only what changed, element by element: rules are removed before the VIPs they used and added after the VIPs
     * they need; a DHCP entry that changed is removed, then added.
     */
    private void sendDifference(RouterRepository.Router router, DesiredRouterState.State have, DesiredRouterState.State want) {
        // a router leaving its pair (turned back into a plain router): source NAT to its own address first, while
        // keepalived still holds the floating one, so no packet leaves from an address that is gone; then VRRP stops
        // (keepalived takes the floating addresses, the agent puts the VIPs on the public nic); then its guest nic takes
        // the gateway. Forwarding never stops (the guests' ARP caches hold the same MAC throughout); only what is
        // addressed to the gateway itself (DNS, DHCP renewals) waits the moment between the last two
        boolean leavingPair = have.ha().enabled() && !want.ha().enabled();
        boolean snatChanged = !Set.copyOf(have.snats()).equals(Set.copyOf(want.snats()));
        if (leavingPair) {
            if (snatChanged) {
                agents.command(router, "syncsnat", c -> c.syncSnat(want.snats(), true));
            }
            agents.command(router, "configureha", c -> c.configureHa(want.ha()));
        }
        if (!have.nics().equals(want.nics())) {
            agents.command(router, "configurenic", c -> c.configureNics(want.nics()));
        }
        if (!have.ha().equals(want.ha()) && !leavingPair) {
            agents.command(router, "configureha", c -> c.configureHa(want.ha()));
        }
        if (!have.dns().equals(want.dns())) {
            agents.command(router, "setdns", c -> c.setDns(want.dns()));
        }
        List<DhcpInfo> goneDhcp = minus(have.dhcp(), want.dhcp());
        if (!goneDhcp.isEmpty()) {
            agents.command(router, "removedhcp", c -> c.removeDhcp(goneDhcp));
        }
        List<DhcpInfo> newDhcp = minus(want.dhcp(), have.dhcp());
        if (!newDhcp.isEmpty()) {
            agents.command(router, "adddhcp", c -> c.addDhcp(newDhcp, false));
        }
        if (snatChanged && !leavingPair) {
            agents.command(router, "syncsnat", c -> c.syncSnat(want.snats(), true));
        }
        List<PortForwardingRuleTO> gonePf = minus(have.portForwardings(), want.portForwardings());
        if (!gonePf.isEmpty()) {
            agents.command(router, "revokeportforwarding", c -> c.revokePortForwarding(gonePf));
        }
        for (EipTO eip : minus(have.eips(), want.eips())) {
            agents.command(router, "removeeip", c -> c.removeEip(eip));
        }
        List<VipTO> newVips = minus(want.vips(), have.vips());
        if (!newVips.isEmpty()) {
            agents.command(router, "createvip", c -> c.createVips(newVips));
        }
        List<PortForwardingRuleTO> newPf = minus(want.portForwardings(), have.portForwardings());
        if (!newPf.isEmpty()) {
            agents.command(router, "createportforwarding", c -> c.createPortForwarding(newPf));
        }
        for (EipTO eip : minus(want.eips(), have.eips())) {
            agents.command(router, "createeip", c -> c.createEip(eip));
        }
        List<VipTO> goneVips = minus(have.vips(), want.vips());
        if (!goneVips.isEmpty()) {
            agents.command(router, "removevip", c -> c.removeVips(goneVips));
        }
    }

    private static <T> List<T> minus(List<T> from, List<T> without) {
        if (from.isEmpty()) {
            return List.of();
        }
        Set<T> drop = Set.copyOf(without);
        List<T> out = new ArrayList<>();
        for (T t : new LinkedHashSet<>(from)) {
            if (!drop.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- retries and resync

    private void scheduleRetry(String vrUuid) {
        int count = failures.merge(vrUuid, 1, Integer::sum);
        long delay = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(count - 1, 16));
        LOG.warn("sync of virtual router {} failed ({} in a row); retrying in {} ms", vrUuid, count, delay);
        ScheduledFuture<?> previous = retries.put(vrUuid, timer.schedule(() -> {
            retries.remove(vrUuid);
            markDirty(vrUuid);
        }, delay, TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** Marks every running router dirty every {@code interval}: whatever was missed converges. */
    void startResync(Duration interval, java.util.function.Supplier<List<String>> runningRouters) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                runningRouters.get().forEach(this::markDirty);
            } catch (RuntimeException e) {
                LOG.warn("periodic router resync failed: {}", e.toString(), e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when the router's last sync succeeded (what it holds is known and current as of then). */
    boolean lastSucceeded(String vrUuid) {
        return applied.containsKey(vrUuid) && !failures.containsKey(vrUuid);
    }

    /** For tests: waits until the router has no sync queued, running or waiting for a retry. */
    boolean awaitIdle(String vrUuid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String sig = signature(vrUuid);
            if (queues.pendingCount(sig) == 0 && queues.runningCount(sig) == 0 && !next.containsKey(vrUuid)
                    && !retries.containsKey(vrUuid)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
