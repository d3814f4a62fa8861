package io.vrouter.server.hypervisor.netns;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.hostagent.PingReply;
import io.vrouter.server.config.GlobalConfigDefinition;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.HostStatus;
import io.vrouter.server.host.Hosts;
import io.vrouter.server.vm.VmInstances;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pings every Netns host's agent every {@code host/ping.interval} seconds. {@code host/ping.maxMisses} misses in a
 * row make a Connected host Disconnected and its running VMs Unknown (they may well run: the data plane does not
 * need the agent). A Disconnected host that answers again is connected again (the connect check), its Unknown VMs
 * are Running again and the host is reconciled with the database (what is missing comes back, what is stray goes);
 * a Connected host whose agent restarted (another agent uuid) is reconciled too. The loop never dies.
 */
final class HostPingTracker implements AutoCloseable {
    static final String CATEGORY = "host";
    static final String PING_INTERVAL = "ping.interval";
    static final String MAX_MISSES = "ping.maxMisses";
    private static final Logger LOG = LoggerFactory.getLogger(HostPingTracker.class);

    private final Hosts hosts;
    private final HostAgents agents;
    private final GlobalConfigs configs;
    private final VmInstances vms;
    private final NetnsHypervisor hypervisor;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("host-ping-timer"));
    private final ExecutorService pingers = Executors.newFixedThreadPool(8, DaemonThreads.named("host-ping"));
    private final Map<String, AtomicInteger> misses = new ConcurrentHashMap<>();
    private final Map<String, String> agentUuids = new ConcurrentHashMap<>();
    private ScheduledFuture<?> schedule;

    HostPingTracker(Hosts hosts, HostAgents agents, GlobalConfigs configs, VmInstances vms, NetnsHypervisor hypervisor) {
        this.hosts = hosts;
        this.agents = agents;
        this.configs = configs;
        this.vms = vms;
        this.hypervisor = hypervisor;
    }

    static void defineConfigs(GlobalConfigs configs) {
        configs.define(GlobalConfigDefinition.positiveInt(CATEGORY, PING_INTERVAL, 10,
                "seconds between pings of each host's agent"));
        configs.define(GlobalConfigDefinition.positiveInt(CATEGORY, MAX_MISSES, 3,
                "pings a host's agent may miss in a row before the host is Disconnected and its VMs Unknown"));
    }

    synchronized void start() {
        reschedule();
        configs.onUpdate(CATEGORY, PING_INTERVAL, v -> reschedule());
    }

    private synchronized void reschedule() {
        if (schedule != null) {
            schedule.cancel(false);
        }
        long seconds = configs.longValue(CATEGORY, PING_INTERVAL);
        schedule = timer.scheduleWithFixedDelay(this::pingAllQuietly, seconds, seconds, TimeUnit.SECONDS);
    }

    private void pingAllQuietly() {
        try {
            pingAll();
        } catch (RuntimeException e) {
            LOG.warn("host ping round failed; the next round runs as scheduled", e);
        }
    }

    /** One round over every Netns host; returns when every ping has answered or failed. */
    void pingAll() {
        hosts.ofType(NetnsHypervisor.TYPE).stream()
                .map(host -> CompletableFuture.runAsync(() -> pingOne(host), pingers))
                .toList()
                .forEach(f -> {
                    try {
                        f.join();
                    } catch (RuntimeException e) {
                        LOG.debug("host ping failed", e);
                    }
                });
    }

    private void pingOne(HostRecord host) {
        PingReply reply;
        try {
            reply = agents.of(host.uuid()).ping();
        } catch (AgentException e) {
            missed(host, e);
            return;
        }
        misses.remove(host.uuid());
        String before = agentUuids.put(host.uuid(), reply.agentUuid());
        if (HostStatus.Disconnected.name().equals(host.status())) {
            answersAgain(host);
        } else if (before != null && !before.equals(reply.agentUuid())) {
            LOG.info("the agent of host {} restarted: reconciling the host", host.name());
            hypervisor.reconcileHost(host.uuid(), vms.runningOn(host.uuid()));
        }
    }

    private void missed(HostRecord host, AgentException e) {
        int n = misses.computeIfAbsent(host.uuid(), k -> new AtomicInteger()).incrementAndGet();
        int max = configs.intValue(CATEGORY, MAX_MISSES);
        if (n >= max && HostStatus.Connected.name().equals(host.status())) {
            hosts.setStatus(host.uuid(), HostStatus.Disconnected);
            int unknown = vms.markUnknownOn(host.uuid());
            LOG.warn("host {} missed {} pings ({}): Disconnected, {} VM(s) Unknown", host.name(), n, e.getMessage(), unknown);
        }
    }

    /** A Disconnected host answers: connect check, its VMs known again, reconciled, then Connected. */
    private void answersAgain(HostRecord host) {
        try {
            NetnsHostConnector.check(host.name(), () -> agents.of(host.uuid()).connect());
        } catch (RuntimeException e) {
            LOG.warn("host {} answers but cannot run VMs: {}", host.name(), e.getMessage());
            return;
        }
        if (hypervisor.reconcileHost(host.uuid(), vms.markKnownOn(host.uuid()))) {
            hosts.setStatus(host.uuid(), HostStatus.Connected);
            LOG.info("host {} answers again: Connected, reconciled", host.name());
        } else {
            vms.markUnknownOn(host.uuid());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pingers.shutdownNow();
    }
}
