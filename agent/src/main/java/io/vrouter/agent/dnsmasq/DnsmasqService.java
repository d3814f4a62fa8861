package io.vrouter.agent.dnsmasq;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.dataplane.DataplaneException;
import io.vrouter.agent.dataplane.Health;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.NicInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DHCP and DNS of one agent: keeps dnsmasq's files equal to the desired state and tells dnsmasq when it must
 * look again. Adding a host writes its two files (inotify does the rest); removing one deletes them, sends
 * SIGHUP (dnsmasq's watched directories only ever add) and releases the lease; a change of the served nics
 * ({@link DnsmasqRenderer#servedNics}: a nic change, or the first host of a flat network on a management or public
 * nic) re-writes the main configuration and restarts dnsmasq. A file whose content is already right is not written.
 */
public final class DnsmasqService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DnsmasqService.class);

    private final Path dir;
    private final DnsmasqRenderer renderer;
    private final DnsmasqSupervisor supervisor;
    private final CommandRunner runner;
    /** What each watched directory holds (file name -> content), read once, then kept in step with our writes. */
    private final Map<Path, Map<String, String>> index = new HashMap<>();
    /** Reloads and lease releases happen here, after the reply: dnsmasq's re-read costs it, not the caller. */
    private final java.util.concurrent.ScheduledExecutorService background =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dnsmasq-background"));
    private final java.util.concurrent.atomic.AtomicBoolean reloadPending =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** The nics the main configuration serves, as last written; null until the first full sync. */
    private List<ServedNic> served;
    /** shard -> (MAC -> entry) of the hosts the last full sync put in shard files. */
    private final Map<String, Map<String, DhcpInfo>> shards = new HashMap<>();

    public DnsmasqService(Path dir, CommandRunner runner) {
        this.dir = dir;
        this.runner = runner;
        this.renderer = new DnsmasqRenderer(dir);
        try {
            for (String sub : List.of(DnsmasqRenderer.HOSTS_DIR, DnsmasqRenderer.OPTS_DIR, DnsmasqRenderer.NAMES_DIR,
                    DnsmasqRenderer.SYNC_HOSTS_DIR, DnsmasqRenderer.SYNC_NAMES_DIR)) {
                Files.createDirectories(dir.resolve(sub));
            }
        } catch (IOException e) {
            throw new DataplaneException("cannot create dnsmasq directories under " + dir + ": " + e, e);
        }
        this.supervisor = new DnsmasqSupervisor(dir.resolve(DnsmasqRenderer.CONF_FILE), dir.resolve("dnsmasq.log"),
                dir.resolve(DnsmasqRenderer.PID_FILE), runner);
    }

    /** Restarts dnsmasq with the configuration a previous agent left, so guests keep DHCP across an agent restart. */
    public void adoptPrevious() {
        Path conf = dir.resolve(DnsmasqRenderer.CONF_FILE);
        try {
            if (Files.exists(conf) && Files.readString(conf).contains("\ninterface=")) {
                LOG.info("starting dnsmasq with the configuration left in {}", conf);
                supervisor.ensureRunning();
            }
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", conf, e.toString());
        }
    }

    // ---------------------------------------------------------------- full sync

    /** Makes every file match {@code state}; restarts or reloads dnsmasq only when something changed. */
    public void sync(DesiredState state, StateDelta delta, Function<String, String> ifnameOfMac) {
        List<ServedNic> nowServed = DnsmasqRenderer.servedNics(state, ifnameOfMac);
        boolean confChanged = write(dir.resolve(DnsmasqRenderer.CONF_FILE), renderer.mainConf(nowServed));
        served = nowServed;
        boolean reload = write(dir.resolve(DnsmasqRenderer.SERVERS_FILE), renderer.serversFile(state.dns()));

        reload |= syncHosts(state);
        Map<String, String> opts = new HashMap<>();
        for (DhcpInfo entry : state.dhcp().values()) {
            opts.computeIfAbsent(renderer.optionTag(entry), tag -> renderer.optionsFile(entry));
        }
        reload |= syncDir(dir.resolve(DnsmasqRenderer.OPTS_DIR), opts);

        if (nowServed.isEmpty()) {
            stopWithLeasesOf(state); // never run without an interface list: dnsmasq would answer on every nic
        } else if (confChanged || !supervisor.isRunning()) {
            restartWithLeasesOf(state);
        } else if (reload) {
            reloadSoon();
        }
        releaseLeases(delta.dhcp().removed(), state, ifnameOfMac);
    }

    // ---------------------------------------------------------------- incremental

    /** Applies the DHCP and DNS parts of {@code delta}. */
    public void update(StateDelta delta, DesiredState state, Function<String, String> ifnameOfMac) {
        boolean reload = false;
        Path hosts = dir.resolve(DnsmasqRenderer.HOSTS_DIR);
        Path names = dir.resolve(DnsmasqRenderer.NAMES_DIR);
        Path opts = dir.resolve(DnsmasqRenderer.OPTS_DIR);
        for (DhcpInfo old : delta.dhcp().removed()) {
            String file = DnsmasqRenderer.hostFileName(old);
            if (indexOf(hosts).containsKey(file)) {
                deleteIndexed(hosts, file);
                deleteIndexed(names, file);
            } else {
                String shard = DnsmasqRenderer.shardOf(old.mac());
                Map<String, DhcpInfo> members = shards.get(shard);
                if (members != null && members.remove(old.mac()) != null) {
                    writeShard(shard, members);
                }
            }
            reload = true;
        }
        for (DhcpInfo entry : delta.dhcp().added()) {
            String file = DnsmasqRenderer.hostFileName(entry);
            // options first: the host line refers to their tag
            writeIndexed(opts, renderer.optionTag(entry), renderer.optionsFile(entry));
            writeIndexed(hosts, file, renderer.hostLine(entry));
            writeIndexed(names, file, renderer.nameLine(entry));
        }
        if (delta.dnsChanged()) {
            reload |= write(dir.resolve(DnsmasqRenderer.SERVERS_FILE), renderer.serversFile(state.dns()));
        }
        if (mayChangeServedNics(delta, state) && restartIfServedNicsChanged(state, ifnameOfMac)) {
            reload = false; // a restart reads everything
        }
        if (reload) {
            reloadSoon();
        }
        releaseLeases(delta.dhcp().removed(), state, ifnameOfMac);
    }

    /**
     * Whether the served nics may differ after {@code delta}: only entries naming a nic that is not a guest nic
     * by category (a flat network's management or public nic) decide whether it is served, so the common case
     * costs no scan of every entry.
     */
    private boolean mayChangeServedNics(StateDelta delta, DesiredState state) {
        if (served == null || delta.dnsChanged()) {
            return true;
        }
        for (List<DhcpInfo> entries : List.of(delta.dhcp().added(), delta.dhcp().removed())) {
            for (DhcpInfo entry : entries) {
                NicInfo nic = state.nic(entry.vrNicMac());
                if (nic == null || !DnsmasqRenderer.isGuestCategory(nic)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Re-writes the main configuration and restarts dnsmasq (or stops it, when nothing is left to serve) if the
     * served nics changed, e.g. the first host of a flat network whose guest L3 is also the management L3; true if
     * it did.
     */
    private boolean restartIfServedNicsChanged(DesiredState state, Function<String, String> ifnameOfMac) {
        List<ServedNic> nowServed = DnsmasqRenderer.servedNics(state, ifnameOfMac);
        if (nowServed.equals(served)) {
            return false;
        }
        boolean confChanged = write(dir.resolve(DnsmasqRenderer.CONF_FILE), renderer.mainConf(nowServed));
        LOG.info("dnsmasq serves {} now (was {})", nowServed, served);
        served = nowServed;
        if (nowServed.isEmpty()) {
            stopWithLeasesOf(state);
            return true;
        }
        if (confChanged || !supervisor.isRunning()) {
            restartWithLeasesOf(state);
            return true;
        }
        return false;
    }

    /**
     * Restarts dnsmasq, first dropping from its lease file the leases of hosts no longer in the state: a host removed
     * while its nic was not served (or just before the restart) got no DHCPRELEASE, and a stale lease would keep
     * its address from the next host that gets it.
     */
    private void restartWithLeasesOf(DesiredState state) {
        supervisor.stop();
        pruneLeases(state);
        supervisor.ensureRunning();
    }

    private void stopWithLeasesOf(DesiredState state) {
        supervisor.stop();
        pruneLeases(state);
    }

    private void pruneLeases(DesiredState state) {
        Path leases = dir.resolve(DnsmasqRenderer.LEASE_FILE);
        try {
            if (Files.exists(leases)) {
                String before = Files.readString(leases);
                String after = DnsmasqRenderer.leasesOf(before, state.dhcp().keySet());
                if (!after.equals(before)) {
                    Files.writeString(leases, after);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot prune the stale leases of {}: {}", leases, e.toString());
        }
    }

    public Health health() {
        return supervisor.health();
    }

    public DnsmasqSupervisor supervisor() {
        return supervisor;
    }

    @Override
    public void close() {
        background.shutdownNow();
        supervisor.close();
    }

    /**
     * SIGHUP within a few ms; removals arriving meanwhile share it (each reload makes dnsmasq re-read every
     * host file, so a burst of removals must not become a burst of re-reads).
     */
    private void reloadSoon() {
        if (reloadPending.compareAndSet(false, true)) {
            background.schedule(() -> {
                reloadPending.set(false);
                try {
                    supervisor.reload();
                } catch (RuntimeException e) {
                    LOG.warn("dnsmasq reload failed: {}", e.toString());
                }
            }, 20, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    // ---------------------------------------------------------------- internals

    /**
     * Releases the leases of removed hosts (dhcp_release sends DHCPRELEASE to dnsmasq on the nic), so the address
     * can go to another MAC at once. In the background, after the reply; a failure is logged, not fatal: the
     * static entry is already gone.
     */
    private void releaseLeases(List<DhcpInfo> removed, DesiredState state, Function<String, String> ifnameOfMac) {
        if (removed.isEmpty() || !supervisor.isRunning()) {
            return;
        }
        Set<DnsmasqRenderer.Lease> leased = leases();
        for (DhcpInfo old : removed) {
            if (!leased.contains(new DnsmasqRenderer.Lease(old.mac(), old.ip()))) {
                continue; // no guest holds it: nothing to release (a rebuild may remove thousands of such hosts)
            }
            DhcpInfo now = state.dhcp().get(old.mac());
            if (now != null && now.ip().equals(old.ip())) {
                continue; // only its options changed; the lease stays valid
            }
            if (state.nic(old.vrNicMac()) == null) {
                continue;
            }
            List<String> argv = List.of("dhcp_release", ifnameOfMac.apply(old.vrNicMac()), old.ip(), old.mac());
            background.execute(() -> {
                CommandResult result = runner.run(argv, null);
                if (!result.succeeded()) {
                    LOG.warn("dhcp_release of {} {} failed: {}", old.ip(), old.mac(), result.stderr().strip());
                }
            });
        }
    }

    /** The leases dnsmasq has handed out, from its lease file; none when it has none yet. */
    private Set<DnsmasqRenderer.Lease> leases() {
        Path file = dir.resolve(DnsmasqRenderer.LEASE_FILE);
        Set<DnsmasqRenderer.Lease> leases = new HashSet<>();
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    DnsmasqRenderer.Lease lease = DnsmasqRenderer.Lease.parse(line);
                    if (lease != null) {
                        leases.add(lease);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the lease file {}: {}", file, e.toString());
        }
        return leases;
    }

    /**
     * Hosts in per-host files that are still exactly right stay there (so the same state twice moves nothing);
     * every other host goes to its shard. True if dnsmasq must re-read (shards are not watched).
     */
    private boolean syncHosts(DesiredState state) {
        Path hosts = dir.resolve(DnsmasqRenderer.HOSTS_DIR);
        Path names = dir.resolve(DnsmasqRenderer.NAMES_DIR);
        boolean reload = false;
        java.util.Set<String> keptInFiles = new java.util.HashSet<>();
        for (String file : new ArrayList<>(indexOf(hosts).keySet())) {
            DhcpInfo entry = state.dhcp().get(file.replace('-', ':'));
            if (entry != null && renderer.hostLine(entry).equals(indexOf(hosts).get(file))
                    && renderer.nameLine(entry).equals(indexOf(names).get(file))) {
                keptInFiles.add(entry.mac());
            } else {
                deleteIndexed(hosts, file);
                deleteIndexed(names, file);
                reload = true;
            }
        }
        for (String file : new ArrayList<>(indexOf(names).keySet())) {
            if (!indexOf(hosts).containsKey(file)) {
                deleteIndexed(names, file);
            }
        }
        shards.clear();
        for (int i = 0; i < DnsmasqRenderer.SHARDS; i++) {
            shards.put(String.format("%02d", i), new java.util.LinkedHashMap<>());
        }
        for (DhcpInfo entry : state.dhcp().values()) {
            if (!keptInFiles.contains(entry.mac())) {
                shards.get(DnsmasqRenderer.shardOf(entry.mac())).put(entry.mac(), entry);
            }
        }
        for (Map.Entry<String, Map<String, DhcpInfo>> shard : shards.entrySet()) {
            reload |= writeShard(shard.getKey(), shard.getValue());
        }
        return reload;
    }

    /** Writes one shard's two files if their content changed; true if it did. */
    private boolean writeShard(String shard, Map<String, DhcpInfo> members) {
        StringBuilder hostLines = new StringBuilder();
        StringBuilder nameLines = new StringBuilder();
        for (DhcpInfo entry : members.values()) {
            hostLines.append(renderer.hostLine(entry));
            nameLines.append(renderer.nameLine(entry));
        }
        boolean changed = writeIndexed(dir.resolve(DnsmasqRenderer.SYNC_HOSTS_DIR), shard, hostLines.toString());
        changed |= writeIndexed(dir.resolve(DnsmasqRenderer.SYNC_NAMES_DIR), shard, nameLines.toString());
        return changed;
    }

    /** Makes {@code directory} hold exactly {@code wanted}; true if an existing file changed or went away. */
    private boolean syncDir(Path directory, Map<String, String> wanted) {
        Map<String, String> present = indexOf(directory);
        boolean changedOrRemoved = false;
        for (String name : new ArrayList<>(present.keySet())) {
            if (!wanted.containsKey(name)) {
                deleteIndexed(directory, name);
                changedOrRemoved = true;
            }
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            boolean existed = present.containsKey(e.getKey());
            changedOrRemoved |= writeIndexed(directory, e.getKey(), e.getValue()) && existed;
        }
        return changedOrRemoved;
    }

    /** The directory's files as last written; read from disk the first time (files a previous agent left). */
    private Map<String, String> indexOf(Path directory) {
        return index.computeIfAbsent(directory, d -> {
            Map<String, String> files = new HashMap<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(d)) {
                for (Path file : stream) {
                    files.put(file.getFileName().toString(), Files.readString(file));
                }
            } catch (IOException e) {
                throw new DataplaneException("cannot read " + d + ": " + e, e);
            }
            return files;
        });
    }

    private boolean writeIndexed(Path directory, String name, String content) {
        Map<String, String> present = indexOf(directory);
        if (content.equals(present.get(name))) {
            return false;
        }
        writeNew(directory.resolve(name), content);
        present.put(name, content);
        return true;
    }

    private void deleteIndexed(Path directory, String name) {
        delete(directory.resolve(name));
        indexOf(directory).remove(name);
    }

    /**
     * Writes when the content differs; true if it did. One write and close: dnsmasq reads on close-write, so it
     * never sees half a file.
     */
    private static boolean write(Path file, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try {
            if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
                return false;
            }
            Files.write(file, bytes);
            return true;
        } catch (IOException e) {
            throw new DataplaneException("cannot write " + file + ": " + e, e);
        }
    }

    private static void writeNew(Path file, String content) {
        try {
            Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DataplaneException("cannot write " + file + ": " + e, e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (NoSuchFileException e) {
            // already gone: removal is idempotent
        } catch (IOException e) {
            throw new DataplaneException("cannot delete " + file + ": " + e, e);
        }
    }
}
