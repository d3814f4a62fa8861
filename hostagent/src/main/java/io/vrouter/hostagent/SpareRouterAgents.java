package io.vrouter.hostagent;

import io.vrouter.platform.threads.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Warm spare router agents: agent JVMs a host keeps booted ahead of need, each in a namespace of its own
 * ({@link NetnsNames#spareNamespace}), started with {@code --spare <dir>}: it loads and compiles its code on made-up
 * state, writes {@code ready}, and waits for the path of a config. A router started on the host then takes one
 * ({@link #take}) instead of booting a JVM (seconds under load): its namespace becomes the router's ({@link #attach}:
 * {@code ip netns attach}, then the spare's name dropped), {@link RouterAgentDeployment} writes the router's files
 * as for a cold start, and the spare gets the config's path ({@link #handOver}). The agent opens its kernel channels
 * (nftables, netlink, dnsmasq) only after that, inside the router's namespace. {@code ip netns exec} gave the spare a
 * mount namespace whose {@code /sys} belongs to that same network namespace, so nothing differs from an agent that
 * booted there; a router namespace has no {@code /etc/netns} files to bind.
 *
 * <p>Spares boot on one background thread at nice 10 (a VM operation never waits for one; the agent gets the normal
 * priority back at the hand-over), from the host's current jar ({@link AgentJarCache}); a spare of another jar is
 * never handed over, and is replaced. The same thread first makes the jar's class-data archive (one training run:
 * a spare booted with {@code -XX:ArchiveClassesAtExit}, handed a throwaway config, stopped) for every agent JVM of
 * the host, spare or cold. Spares are nobody's VMs: the management node never hears of them; they go with the host
 * agent's stop, and a host agent that starts removes what an earlier run left.
 */
final class SpareRouterAgents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpareRouterAgents.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String READY = "ready";
    static final String HANDOFF = "handoff";
    static final String PID = "agent.pid";
    static final String LOG_FILE = "agent.log";
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
    /** Niceness of a booting spare: a VM operation's processes come first. */
    private static final String SPARE_NICENESS = "10";

    /** A spare started by this host agent. {@code marker}: what its command line holds (its directory). */
    record Spare(String id, String namespace, Path dir, long pid, String jarMd5) {
        String marker() {
            return dir.toString();
        }

        Path log() {
            return dir.resolve(LOG_FILE);
        }
    }

    private final NetnsHost host;
    private final LinuxHost kernel;
    private final Path agentJar;
    private final int count;
    private final AgentJarCache jars;
    private final Path dir;
    private final List<Spare> pool = new ArrayList<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Boots spares and makes archives, one at a time; replaced by {@link #clear} (which interrupts it). */
    private volatile ExecutorService background = newBackground();
    private volatile boolean closed;
    private volatile boolean leftoversRemoved;
    /** Jars whose training run failed: tried once per host agent run, not at every replenish. */
    private final Set<String> untrainable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param agentJar the host's router agent jar, or null (then neither spares nor an archive)
     * @param count    how many spares to keep ready; 0: none (cold starts still get the class-data archive)
     */
    SpareRouterAgents(NetnsHost host, Path agentJar, int count, AgentJarCache jars) {
        this.host = host;
        this.kernel = host.kernel();
        this.agentJar = agentJar;
        this.count = count;
        this.jars = jars;
        this.dir = host.workDir().resolve("spares");
    }

    /** Asks the background thread to make the archive and top the pool up; returns at once. */
    void replenishInBackground() {
        if (closed || agentJar == null || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(() -> {
                scheduled.set(false);
                try {
                    replenish();
                } catch (RuntimeException e) {
                    // a host without spares starts its routers cold: nothing worse
                    LOG.warn("cannot prepare spare router agents on host {}: {}", host.id(), e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            scheduled.set(false); // closed meanwhile
        }
    }

    /**
     * A ready spare running the jar of md5 {@code jarMd5}, taken out of the pool (a replacement boots in the
     * background), or empty: the router then starts cold.
     */
    Optional<Spare> take(String jarMd5) {
        Optional<Spare> taken = Optional.empty();
        synchronized (pool) {
            for (Spare spare : List.copyOf(pool)) {
                if (!alive(spare)) {
                    pool.remove(spare);
                    removeQuietly(spare);
                } else if (taken.isEmpty() && spare.jarMd5().equals(jarMd5) && Files.exists(spare.dir().resolve(READY))) {
                    pool.remove(spare);
                    taken = Optional.of(spare);
                }
            }
        }
        replenishInBackground();
        return taken;
    }

    /** The spares waiting now (ready or booting). */
    List<Spare> waiting() {
        synchronized (pool) {
            return List.copyOf(pool);
        }
    }

    /**
     * Gives the spare's namespace the name {@code namespace} (the router's) and drops the spare's own name. False,
     * with the spare removed, when that cannot be done: the router then starts cold.
     */
    boolean attach(Spare spare, String namespace) {
        var attached = kernel.run("ip", "netns", "attach", namespace, Long.toString(spare.pid()));
        if (!attached.succeeded()) {
            LOG.warn("cannot move spare agent {} into namespace {}: {}", spare.id(), namespace, attached.stderr().strip());
            removeQuietly(spare);
            return false;
        }
        kernel.deleteNamespace(spare.namespace());
        return true;
    }

    /**
     * Tells the spare (now in its router's namespace) to run with {@code config}: its threads get the normal
     * priority back, then the config's path is written (atomically) where it polls.
     */
    void handOver(Spare spare, Path config) throws IOException {
        List<String> renice = new ArrayList<>(List.of("renice", "-n", "0", "-p"));
        try (var tasks = Files.list(Path.of("/proc", Long.toString(spare.pid()), "task"))) {
            tasks.forEach(t -> renice.add(t.getFileName().toString()));
        }
        kernel.run(renice.toArray(String[]::new));
        Path tmp = spare.dir().resolve(HANDOFF + ".tmp");
        Files.writeString(tmp, config + "\n");
        Files.move(tmp, spare.dir().resolve(HANDOFF), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Removes every spare now (after what the background thread is doing); the next {@link #take} boots new ones.
     * For a host that is cleaned of everything of the installation.
     */
    void clear() {
        ExecutorService interrupted = background;
        background = newBackground();
        removeAfter(interrupted);
    }

    /** Stops the pool: no spare boots any more, and every spare (of this run and earlier ones) is removed. */
    @Override
    public void close() {
        closed = true;
        removeAfter(background);
    }

    /** Interrupts what {@code worker} does (a boot, a training run), waits for it to end, then removes every spare. */
    private void removeAfter(ExecutorService worker) {
        worker.shutdownNow();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduled.set(false);
        synchronized (pool) {
            pool.clear();
        }
        removeAllSpares();
    }

    private static ExecutorService newBackground() {
        ThreadFactory daemons = DaemonThreads.named("spare-router-agents");
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = daemons.newThread(r);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
    }

    // ---------------------------------------------------------------- the background thread

    private void replenish() {
        if (!leftoversRemoved) {
            removeAllSpares();
            leftoversRemoved = true;
        }
        if (!Files.isRegularFile(agentJar)) {
            return;
        }
        AgentJarCache.Jar jar = jars.install(agentJar);
        if (AgentJarCache.archiveEnabled() && !jar.hasArchive() && untrainable.add(jar.md5())) {
            train(jar);
        }
        synchronized (pool) {
            for (Spare spare : List.copyOf(pool)) {
                if (!spare.jarMd5().equals(jar.md5())) {
                    LOG.info("replacing spare agent {}: it runs an older agent jar", spare.id());
                    pool.remove(spare);
                    removeQuietly(spare);
                }
            }
        }
        while (!closed && !Thread.currentThread().isInterrupted() && waiting().size() < count) {
            Spare spare = boot(jar, List.of());
            synchronized (pool) {
                if (closed || Thread.currentThread().isInterrupted()) {
                    removeQuietly(spare); // cleared or closed while it booted
                    return;
                }
                pool.add(spare);
            }
        }
    }

    /** Boots a spare of {@code jar} in a new namespace; it becomes ready on its own. */
    private Spare boot(AgentJarCache.Jar jar, List<String> jvmFlags) {
        String id = HexFormat.of().formatHex(RANDOM.generateSeed(4));
        String ns = host.names().spareNamespace(id);
        Path spareDir = dir.resolve(id);
        try {
            Files.createDirectories(spareDir);
        } catch (IOException e) {
            throw new HostAgentException("cannot create " + spareDir + ": " + e, e);
        }
        kernel.addNamespace(ns);
        kernel.check("ip", "-n", ns, "link", "set", "lo", "up");
        List<String> argv = new ArrayList<>(List.of("nice", "-n", SPARE_NICENESS));
        argv.addAll(RouterAgentDeployment.agentCommand(ns, jar.jar(), jvmFlags.isEmpty() ? jar.archiveFlags() : jvmFlags));
        argv.addAll(List.of("--spare", spareDir.toString()));
        ProcessSupervisor.spawn("spare " + id, spareDir.resolve(PID), spareDir.resolve(LOG_FILE), Map.of(), argv);
        long pid;
        try {
            pid = Long.parseLong(Files.readString(spareDir.resolve(PID)).strip());
        } catch (IOException | NumberFormatException e) {
            throw new HostAgentException("cannot read the pid of spare agent " + id + ": " + e, e);
        }
        Spare spare = new Spare(id, ns, spareDir, pid, jar.md5());
        if (!alive(spare)) {
            removeQuietly(spare);
            throw new HostAgentException("the spare agent " + id + " died at once; see its log");
        }
        LOG.info("booting spare router agent {} in namespace {}", id, ns);
        return spare;
    }

    /**
     * The class-data archive of {@code jar}: a spare booted with {@code -XX:ArchiveClassesAtExit}, handed a throwaway
     * config (plain HTTP on its own loopback) so the classes of a running agent load too, then stopped; the JVM writes
     * the archive as it exits.
     */
    private void train(AgentJarCache.Jar jar) {
        Path tmp = jar.archive().resolveSibling(AgentJarCache.ARCHIVE + ".tmp");
        long start = System.nanoTime();
        Spare spare = null;
        try {
            Files.deleteIfExists(tmp);
            spare = boot(jar, List.of("-XX:ArchiveClassesAtExit=" + tmp));
            awaitFile(spare, spare.dir().resolve(READY));
            Path config = spare.dir().getParent().resolve(spare.id() + "-training.json");
            Files.writeString(config, "{\"name\":\"training\",\"listenAddress\":\"127.0.0.1\",\"port\":0,\"secret\":\""
                    + HexFormat.of().formatHex(RANDOM.generateSeed(16)) + "\",\"dataDir\":\"" + spare.dir().getParent()
                    .resolve(spare.id() + "-training-data") + "\",\"dataplane\":\"linux\",\"plainHttp\":true,\"cleanOnStop\":true}\n");
            Path log = spare.log();
            handOver(spare, config);
            long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
            while (!Files.readString(log).contains(" listening on ")) {
                if (!alive(spare) || System.nanoTime() > deadline) {
                    throw new HostAgentException("the training agent did not start; its log: " + tail(log));
                }
                Thread.sleep(50);
            }
            ProcessHandle handle = ProcessHandle.of(spare.pid()).orElseThrow();
            handle.destroy();
            handle.onExit().get(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (Files.isRegularFile(tmp) && Files.size(tmp) > 0) {
                Files.move(tmp, jar.archive(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                LOG.info("made the class-data archive of agent jar {} in {} ms", jar.md5(), (System.nanoTime() - start) / 1_000_000);
            } else {
                LOG.warn("the training agent wrote no class-data archive; its log: {}", tail(log));
            }
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | RuntimeException e) {
            LOG.warn("cannot make the class-data archive of agent jar {} (agents boot without it): {}", jar.md5(), e.toString());
        } catch (InterruptedException e) {
            untrainable.remove(jar.md5()); // cleared or closed meanwhile: not the jar's fault
            Thread.currentThread().interrupt();
        } finally {
            if (spare != null) {
                removeQuietly(spare);
                LinuxHost.deleteTree(dir.resolve(spare.id() + "-training-data"));
                try {
                    Files.deleteIfExists(dir.resolve(spare.id() + "-training.json"));
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.debug("cannot remove training files: {}", e.toString());
                }
            }
        }
    }

    private void awaitFile(Spare spare, Path file) throws InterruptedException {
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        while (!Files.exists(file)) {
            if (!alive(spare) || System.nanoTime() > deadline) {
                throw new HostAgentException("spare agent " + spare.id() + " did not become ready; its log: " + tail(spare.log()));
            }
            Thread.sleep(50);
        }
    }

    /**
     * Whether the spare's process lives. While {@code nice} and {@code ip netns exec} exec into the JVM, its command
     * line reads empty for a moment: that is still the spare; another command line is a stranger with a reused pid.
     */
    private static boolean alive(Spare spare) {
        if (!ProcessHandle.of(spare.pid()).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        String cmdline = LinuxHost.cmdline(spare.pid());
        return cmdline != null && (cmdline.isEmpty() || cmdline.contains(spare.marker()));
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kills the spare and removes its namespace name and directory; whatever is there. */
    private void removeQuietly(Spare spare) {
        try {
            ProcessHandle.of(spare.pid()).filter(h -> alive(spare)).ifPresent(h -> LinuxHost.terminate(List.of(h), VmNamespaces.STOP_GRACE));
            kernel.deleteNamespace(spare.namespace());
            LinuxHost.deleteTree(spare.dir());
        } catch (RuntimeException e) {
            LOG.warn("cannot remove spare agent {}: {}", spare.id(), e.getMessage());
        }
    }

    /**
     * Removes every spare namespace of the installation (with the processes in it) and the spare directories. A spare namespace that is also a VM's (a host agent that died between {@link #attach}'s two
     * steps) only loses its spare name: the router's agent in it lives on.
     */
    private void removeAllSpares() {
        Set<Object> vmNamespaces = new HashSet<>();
        List<String> all = kernel.namespaces();
        for (String ns : all) {
            if (host.names().vmOfNamespace(ns) != null) {
                vmNamespaces.add(identity(ns));
            }
        }
        for (String ns : all) {
            if (!host.names().ownsSpareNamespace(ns)) {
                continue;
            }
            try {
                if (!vmNamespaces.contains(identity(ns))) {
                    kernel.killAllIn(ns, VmNamespaces.STOP_GRACE);
                }
                kernel.deleteNamespace(ns);
            } catch (RuntimeException e) {
                LOG.warn("cannot remove spare namespace {}: {}", ns, e.getMessage());
            }
        }
        LinuxHost.deleteTree(dir);
    }

    /** What tells two names of one network namespace apart from two namespaces: the nsfs inode they are bound to. */
    private static Object identity(String ns) {
        try {
            return Files.getAttribute(Path.of("/run/netns", ns), "unix:ino");
        } catch (IOException | RuntimeException e) {
            return ns;
        }
    }
}
