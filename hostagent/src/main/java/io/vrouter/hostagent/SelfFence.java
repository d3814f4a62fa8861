package io.vrouter.hostagent;

import io.vrouter.platform.threads.DaemonThreads;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.hostagent.HeartbeatCmd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A host cut off from everyone stops its routers before they are re-created elsewhere (docs/operations.md, "Self-fencing"):
 * the management node that tracks the host sends a heartbeat every probe interval naming the host's peers and the
 * bound; when no heartbeat came for that bound and none of the peers answers an echo either, the management node
 * will confirm this host dead (its agent and data plane are silent to the node and the witnesses alike) and start
 * its routers on another host, so this host stops them first: one L3 never has two routers answering. A host that
 * still reaches a peer is not cut off (only the node is away, or restarting): nothing is fenced, since nobody can
 * confirm it dead while a peer reaches it.
 *
 * <p>The fenced routers stay stopped until the node reconciles the host: only the node knows whether they moved.
 * Armed by the first heartbeat with a bound; a bound of 0 disarms it. The arming is kept in the agent's work dir, so
 * an agent restarted while its host is cut off is armed from its start.
 */
final class SelfFence implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SelfFence.class);
    static final Duration PEER_TIMEOUT = HeartbeatCmd.FENCE_PEER_TIMEOUT;

    private static final ObjectMapper JSON = AgentJson.newMapper();

    private final Supplier<List<String>> stopRouters;
    private final Path armFile;
    /** Which of the given peer addresses answer (an echo each, within the peer timeout). */
    private final Function<List<String>, List<String>> reachablePeers;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("self-fence"));
    private long lastHeartbeatNanos;
    private List<String> peers = List.of();
    private Duration bound = Duration.ZERO;
    private final List<String> fenced = new ArrayList<>();

    SelfFence(Supplier<List<String>> stopRouters, Function<List<String>, List<String>> reachablePeers, LongSupplier nanoTime) {
        this(stopRouters, reachablePeers, nanoTime, null);
    }

    /**
     * @param armFile where the last heartbeat's peers and bound are kept (null: nowhere), so that an agent restarted
     *                while its host is cut off is armed from its start rather than never (no heartbeat can reach it)
     */
    SelfFence(Supplier<List<String>> stopRouters, Function<List<String>, List<String>> reachablePeers, LongSupplier nanoTime,
              Path armFile) {
        this.stopRouters = stopRouters;
        this.reachablePeers = reachablePeers;
        this.nanoTime = nanoTime;
        this.armFile = armFile;
        HeartbeatCmd last = readArm(armFile);
        if (last != null) {
            // armed as if the node's last heartbeat came at this start: the bound counts from here
            lastHeartbeatNanos = nanoTime.getAsLong();
            peers = last.peers();
            bound = Duration.ofSeconds(Math.max(0, last.fenceAfterSeconds()));
        }
    }

    private static HeartbeatCmd readArm(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readValue(file.toFile(), HeartbeatCmd.class);
        } catch (IOException e) {
            LOG.warn("cannot read the self-fence's arming {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** Keeps the arming for the next start of the agent, when it changed. */
    private void keepArm(HeartbeatCmd cmd) {
        if (armFile == null) {
            return;
        }
        try {
            Files.createDirectories(armFile.toAbsolutePath().getParent());
            Path tmp = armFile.resolveSibling(armFile.getFileName() + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(new HeartbeatCmd(null, cmd.peers(), cmd.fenceAfterSeconds())));
            Files.move(tmp, armFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot keep the self-fence's arming in {}: {}", armFile, e.getMessage());
        }
    }

    /**
     * Checks every {@link HeartbeatCmd#FENCE_CHECK_PERIOD} from now on (a time comparison until the bound passes): the
     * node waits out this period, the peers' echoes and the stop before it confirms the host dead.
     */
    SelfFence start() {
        long period = HeartbeatCmd.FENCE_CHECK_PERIOD.toMillis();
        timer.scheduleWithFixedDelay(this::checkQuietly, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The node is there: the bound starts over. Returns the routers fenced and not yet reconciled. */
    synchronized List<String> heartbeat(HeartbeatCmd cmd) {
        lastHeartbeatNanos = nanoTime.getAsLong();
        Duration newBound = Duration.ofSeconds(Math.max(0, cmd.fenceAfterSeconds()));
        if (!cmd.peers().equals(peers) || !newBound.equals(bound)) {
            keepArm(cmd);
        }
        peers = cmd.peers();
        bound = newBound;
        return List.copyOf(fenced);
    }

    /** The node made the host hold what the database says: whatever was fenced is settled. */
    synchronized void reconciled() {
        if (!fenced.isEmpty()) {
            LOG.info("self-fence lifted by the management node's reconcile ({} router(s) were fenced)", fenced.size());
        }
        fenced.clear();
    }

    synchronized List<String> fenced() {
        return List.copyOf(fenced);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("self-fence check failed: {}", e.toString());
        }
    }

    /** One check: fences when the bound passed without a heartbeat and no peer answers. */
    void check() {
        List<String> askPeers;
        Duration silent;
        synchronized (this) {
            if (bound.isZero()) {
                return;
            }
            silent = Duration.ofNanos(nanoTime.getAsLong() - lastHeartbeatNanos);
            if (silent.compareTo(bound) < 0) {
                return;
            }
            askPeers = peers;
        }
        // outside the lock: a heartbeat arriving meanwhile is not held up by the echoes
        if (askPeers.isEmpty()) {
            return; // no peer can witness this host's death, so it is never confirmed dead: nothing moves
        }
        if (!reachablePeers.apply(askPeers).isEmpty()) {
            return; // a peer reaches us: the node cannot confirm this host dead
        }
        synchronized (this) {
            if (Duration.ofNanos(nanoTime.getAsLong() - lastHeartbeatNanos).compareTo(bound) < 0) {
                return; // the node came back while we asked the peers
            }
            List<String> stopped = stopRouters.get();
            if (!stopped.isEmpty()) {
                LOG.warn("self-fence: no heartbeat from the management node for {} s and none of {} peer(s) answers:"
                        + " stopped {} router(s) {}, which the node re-creates elsewhere", silent.toSeconds(), askPeers.size(),
                        stopped.size(), stopped);
                stopped.stream().filter(u -> !fenced.contains(u)).forEach(fenced::add);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
