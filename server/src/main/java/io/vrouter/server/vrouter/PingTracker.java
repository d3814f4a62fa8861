package io.vrouter.server.vrouter;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.agent.protocol.PingReply;
import io.vrouter.server.config.GlobalConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Pings every running router's agent (on the hosts this node tracks) every {@code virtualRouter/ping.interval} seconds. Three failures in a row
 * make a Connected router Disconnected; a reply with another uuid means the agent restarted and lost its init, and
 * a Disconnected router that answers again: both get a Reconnect. The loop never dies: each round catches, logs
 * and carries on.
 */
public final class PingTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PingTracker.class);
    static final int MAX_FAILURES = 3;

    private final VirtualRouters routers;
    private final GlobalConfigs configs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("vr-ping-timer"));
    private final ExecutorService pingers = Executors.newFixedThreadPool(16, DaemonThreads.named("vr-ping"));
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    /** When each router's certificate is next looked at (System.nanoTime): at most hourly, it is an extra call. */
    private final Map<String, Long> certificateCheckDue = new ConcurrentHashMap<>();
    private static final long CERTIFICATE_CHECK_EVERY_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);
    private final Supplier<List<String>> trackedRouters;
    private ScheduledFuture<?> schedule;

    /** @param trackedRouters the running routers on the hosts this node tracks: the only ones it pings */
    PingTracker(VirtualRouters routers, GlobalConfigs configs, Supplier<List<String>> trackedRouters) {
        this.routers = routers;
        this.configs = configs;
        this.trackedRouters = trackedRouters;
    }

    public synchronized void start() {
        reschedule();
        configs.onUpdate(VirtualRouterSettings.VR, VirtualRouterSettings.PING_INTERVAL, v -> reschedule());
    }

    private synchronized void reschedule() {
        if (schedule != null) {
            schedule.cancel(false);
        }
        long seconds = configs.longValue(VirtualRouterSettings.VR, VirtualRouterSettings.PING_INTERVAL);
        schedule = timer.scheduleWithFixedDelay(this::pingAllQuietly, seconds, seconds, TimeUnit.SECONDS);
    }

    private void pingAllQuietly() {
        try {
            pingAll();
        } catch (RuntimeException e) {
            LOG.warn("ping round failed; the next round runs as scheduled", e);
        }
    }

    /** One round over every running router of the hosts this node tracks; returns when all pings have answered or failed. */
    public void pingAll() {
        try {
            routers.keepPairs();
        } catch (RuntimeException e) {
            LOG.warn("checking the VRRP pairs failed; next round tries again", e);
        }
        // the round's routers in one read, not one per router
        var futures = routers.findAll(trackedRouters.get()).stream()
                .map(router -> CompletableFuture.runAsync(() -> pingOne(router), pingers))
                .toList();
        futures.forEach(f -> {
            try {
                f.join();
            } catch (RuntimeException e) {
                LOG.debug("ping failed", e);
            }
        });
    }

    private void pingOne(RouterRepository.Router router) {
        String vrUuid = router.uuid();
        if (!router.running() || VirtualRouters.CONNECTING.equals(router.status())) {
            return;
        }
        PingReply reply;
        try {
            reply = routers.ping(router, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            int count = failures.computeIfAbsent(vrUuid, k -> new AtomicInteger()).incrementAndGet();
            if (count >= MAX_FAILURES && VirtualRouters.CONNECTED.equals(router.status())) {
                LOG.warn("virtual router {} missed {} pings: Disconnected ({})", vrUuid, count, e.getMessage());
                routers.markDisconnected(vrUuid);
            }
            return;
        }
        failures.remove(vrUuid);
        // another uuid: the agent restarted and lost its init, so its HA status says nothing yet
        boolean restarted = !vrUuid.equals(reply.uuid());
        if (reply.haStatus() != null && !"NoHa".equals(reply.haStatus()) && !restarted) {
            routers.pairs().reported(vrUuid, HaStatus.of(reply.haStatus()));
        }
        if (restarted || VirtualRouters.DISCONNECTED.equals(router.status())) {
            LOG.info("virtual router {} {}: reconnecting", vrUuid, restarted ? "agent restarted (lost its init)" : "answers again");
            routers.reconnectInBackground(vrUuid);
        } else if (System.nanoTime() - certificateCheckDue.getOrDefault(vrUuid, System.nanoTime()) >= 0) {
            certificateCheckDue.put(vrUuid, System.nanoTime() + CERTIFICATE_CHECK_EVERY_NANOS);
            try {
                routers.renewCertificateIfDue(router);
            } catch (RuntimeException e) {
                LOG.warn("virtual router {}: its certificate could not be rotated; next try in an hour ({})", vrUuid, e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        pingers.shutdownNow();
    }
}
