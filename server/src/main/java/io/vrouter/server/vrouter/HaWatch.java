package io.vrouter.server.vrouter;

import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.HaStatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How a takeover reaches the management node at once: one long poll ({@code /hastatus}) open per connected router
 * of a pair, answered by the agent as soon as keepalived changes its mind. Asynchronous (no thread waits), re-armed
 * after every answer, retried a second later after a failure while the router is still watched. The ping carries
 * the status too, so a lost answer costs at most one ping interval.
 */
final class HaWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaWatch.class);
    private static final Duration WAIT = Duration.ofSeconds(25);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final VirtualRouters routers;
    private final HaPairs pairs;
    /** Per watched router, a token: a poll whose token is no longer current stops. */
    private final Map<String, Object> watched = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vr-ha-watch");
        t.setDaemon(true);
        return t;
    });

    HaWatch(VirtualRouters routers, HaPairs pairs) {
        this.routers = routers;
        this.pairs = pairs;
    }

    /** Starts watching (again, after a connect: the agent may be new, so its versions start over). */
    void watch(String vrUuid) {
        Object token = new Object();
        watched.put(vrUuid, token);
        poll(vrUuid, token, -1);
    }

    void unwatch(String vrUuid) {
        watched.remove(vrUuid);
    }

    private void poll(String vrUuid, Object token, long knownVersion) {
        if (watched.get(vrUuid) != token) {
            return;
        }
        AgentClient client;
        try {
            RouterRepository.Router router = routers.find(vrUuid).orElse(null);
            if (router == null) {
                watched.remove(vrUuid, token);
                return;
            }
            client = routers.client(router, WAIT.plusSeconds(10));
        } catch (RuntimeException e) {
            retry(vrUuid, token, knownVersion, e);
            return;
        }
        client.haStatusAsync(knownVersion, WAIT).whenComplete((reply, error) -> {
            if (watched.get(vrUuid) != token) {
                return;
            }
            if (error != null) {
                retry(vrUuid, token, knownVersion, error);
                return;
            }
            try {
                pairs.reported(vrUuid, HaStatus.of(reply.haStatus()));
            } catch (RuntimeException e) {
                LOG.warn("cannot record the HA status of router {}: {}", vrUuid, e.toString());
            }
            poll(vrUuid, token, reply.version());
        });
    }

    private void retry(String vrUuid, Object token, long knownVersion, Throwable error) {
        LOG.debug("HA status poll of router {} failed: {}", vrUuid, error.toString());
        try {
            retries.schedule(() -> poll(vrUuid, token, knownVersion), RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            watched.remove(vrUuid, token);
        }
    }

    @Override
    public void close() {
        watched.clear();
        retries.shutdownNow();
    }
}
