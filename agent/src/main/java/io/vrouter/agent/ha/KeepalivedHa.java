package io.vrouter.agent.ha;

import io.vrouter.agent.linux.Interfaces;
import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's part in a VRRP pair, for real: keepalived and conntrackd as the agent's children, in the router's
 * network namespace. keepalived tells its state through a FIFO ({@code notify_fifo}) that a thread of the agent
 * reads: the state goes to the {@link HaStatusBoard} (the management node's long poll answers at once) and drives
 * conntrackd (commit the peer's connections into the kernel on becoming master, ask for a resync as backup).
 *
 * <p>Reconfiguring rewrites the files and reloads keepalived (SIGHUP): a reload keeps the instance's state, so
 * adding a VIP on the master neither moves the master role nor drops a packet.
 */
public final class KeepalivedHa implements Ha {
    private static final Logger LOG = LoggerFactory.getLogger(KeepalivedHa.class);

    private final String routerName;
    private final HaFiles files;
    private final Path dir;
    private final CommandRunner runner;
    private final Interfaces interfaces = new Interfaces();
    private final HaStatusBoard status = new HaStatusBoard();
    private volatile HaConfig config = HaConfig.DISABLED;
    /** What keepalived holds as master: every floating address and VIP with the interface it sits on. */
    private List<Floating> floating = List.of();
    private Daemon keepalived;
    private volatile Daemon conntrackd;
    private Thread fifoReader;
    private RandomAccessFile fifoHandle;

    public KeepalivedHa(String routerName, Path dir, CommandRunner runner) {
        this.routerName = routerName;
        this.dir = dir;
        this.files = new HaFiles(dir);
        this.runner = runner;
        endLeftovers();
        dropFloatingAddressesOfAPreviousRun();
    }

    /**
     * A keepalived or conntrackd a previous agent left running (the agent died, its children did not) would go on
     * holding the master role for a router whose agent knows nothing: it is ended at once, so the peer takes over
     * within three adverts instead of after the management node's next reconnect. Ours are told apart by the
     * configuration file in their command line.
     */
    private void endLeftovers() {
        String keepalivedConf = files.keepalivedConf().toString();
        String conntrackdConf = files.conntrackdConf().toString();
        ProcessHandle.allProcesses().forEach(p -> {
            String cmd = p.info().commandLine().orElse("");
            if (p.pid() != ProcessHandle.current().pid() && (cmd.startsWith("keepalived") || cmd.contains("/keepalived "))
                    && cmd.contains(keepalivedConf) || (cmd.startsWith("conntrackd") || cmd.contains("/conntrackd "))
                    && cmd.contains(conntrackdConf)) {
                LOG.warn("ending a leftover of a previous run: pid {} ({})", p.pid(), cmd);
                p.destroyForcibly();
            }
        });
    }

    /**
     * An agent killed with its keepalived leaves the floating addresses on the nics (keepalived had no chance to take
     * them away), and the kernel would go on answering ARP for the gateway beside the new master. At start, before
     * anything else, they go: this router is a backup until keepalived, started again, says otherwise.
     */
    private void dropFloatingAddressesOfAPreviousRun() {
        Path conf = files.keepalivedConf();
        if (!Files.exists(conf)) {
            return;
        }
        try {
            StringBuilder batch = new StringBuilder();
            boolean inside = false;
            for (String line : Files.readAllLines(conf)) {
                String t = line.trim();
                if (t.startsWith("virtual_ipaddress")) { // and virtual_ipaddress_excluded
                    inside = true;
                } else if (inside && t.equals("}")) {
                    inside = false;
                } else if (inside && t.matches("\\S+/\\d+ dev \\S+")) {
                    batch.append("addr del ").append(t).append('\n');
                }
            }
            if (batch.length() > 0) {
                CommandResult r = runner.run(List.of("ip", "-force", "-batch", "-"), batch.toString());
                LOG.info("removed the floating addresses a previous run left ({}): {}", r.exitCode() == 0 ? "all" : "some were gone",
                        batch.toString().replace('\n', ';'));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot remove the floating addresses of a previous run: {}", e.toString());
        }
    }

    @Override
    public synchronized void configure(HaConfig next, DesiredState state) {
        HaConfig previous = config;
        config = next;
        if (!next.enabled()) {
            stopDaemons();
            status.set(HaState.NoHa);
            return;
        }
        try {
            Files.createDirectories(dir);
            writeFiles(next, state);
        } catch (IOException e) {
            config = previous;
            throw new IllegalStateException("cannot write the HA files in " + dir + ": " + e.getMessage(), e);
        }
        boolean syncChanged = !previous.enabled() || !java.util.Objects.equals(previous.syncPeerAddress(), next.syncPeerAddress())
                || !java.util.Objects.equals(previous.syncNicMac(), next.syncNicMac());
        if (conntrackd != null && syncChanged) {
            conntrackd.close();
            conntrackd = null;
        }
        if (conntrackd == null && next.syncPeerAddress() != null) {
            conntrackd = new Daemon("conntrackd", List.of("conntrackd", "-C", files.conntrackdConf().toString()),
                    dir.resolve("conntrackd.out"), () -> {
                        deleteQuietly(dir.resolve("conntrackd.lock"), files.conntrackdSocket());
                        try {
                            Files.createDirectories(files.conntrackdSocket().getParent());
                        } catch (IOException e) {
                            LOG.warn("cannot create {}: {}", files.conntrackdSocket().getParent(), e.toString());
                        }
                    });
            conntrackd.start();
        }
        if (keepalived == null) {
            startFifoReader();
            keepalived = new Daemon("keepalived", List.of("keepalived", "--dont-fork", "--log-console", "--log-detail",
                    "--vrrp", "--use-file", files.keepalivedConf().toString(),
                    "--pid", dir.resolve("keepalived.pid").toString(),
                    "--vrrp_pid", dir.resolve("keepalived-vrrp.pid").toString()),
                    dir.resolve("keepalived.log"), () -> deleteQuietly(dir.resolve("keepalived.pid"), dir.resolve("keepalived-vrrp.pid")));
            keepalived.start();
            if (status.state() == HaState.NoHa) {
                status.set(HaState.Backup);
            }
        } else {
            keepalived.signal("HUP");
        }
    }

    @Override
    public synchronized void vipsChanged(DesiredState state) {
        if (!config.enabled()) {
            return;
        }
        try {
            writeFiles(config, state);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write keepalived's configuration: " + e.getMessage(), e);
        }
        if (keepalived != null) {
            keepalived.signal("HUP");
        }
    }

    /**
     * One gratuitous ARP per address now and one a second later (busybox's arping, from this namespace: the agent
     * runs in it), not waited for: the second covers a frame lost, or a neighbour that asked while the partner still
     * held the address. Two per address once per settled split brain, instead of keepalived's periodic refresh
     * ({@code garp_master_refresh}), which would repeat them on every pair's L2s all the time for this one case.
     */
    @Override
    public synchronized int announce() {
        if (!config.enabled() || status.state() != HaState.Master) {
            return 0;
        }
        for (Floating f : floating) {
            try {
                Process p = new ProcessBuilder("busybox", "arping", "-U", "-q", "-c", "2", "-w", "3", "-I", f.ifname(), f.ip())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
                p.onExit().thenAccept(done -> {
                    if (done.exitValue() != 0) {
                        LOG.warn("router {}: gratuitous ARP for {} on {} failed ({})", routerName, f.ip(), f.ifname(), done.exitValue());
                    }
                });
            } catch (IOException e) {
                LOG.warn("router {}: cannot announce {} on {}: {}", routerName, f.ip(), f.ifname(), e.toString());
            }
        }
        LOG.info("router {}: announced {} again (gratuitous ARP)", routerName, floating);
        return floating.size();
    }

    /** An address keepalived moves with the master role, and the interface it is on. */
    private record Floating(String ip, String ifname) {
        @Override
        public String toString() {
            return ip + "@" + ifname;
        }
    }

    @Override
    public boolean holdsVipAddresses() {
        return config.enabled();
    }

    @Override
    public HaConfig config() {
        return config;
    }

    @Override
    public HaStatusBoard status() {
        return status;
    }

    /** keepalived's pid (-1 when not running), for tests that kill it. */
    public synchronized long keepalivedPid() {
        return keepalived == null ? -1 : keepalived.pid();
    }

    private void writeFiles(HaConfig next, DesiredState state) throws IOException {
        NicInfo vrrpNic = requireNic(state, next.vrrpNicMac(), "vrrpNicMac");
        NicInfo syncNic = requireNic(state, next.syncNicMac(), "syncNicMac");
        write(files.keepalivedConf(), files.keepalived(routerName, next, state.vips().values(), interfaces::ifnameOf,
                vrrpNic.ip()), false);
        List<Floating> held = new ArrayList<>();
        next.floatingAddresses().forEach(a -> held.add(new Floating(a.ip(), interfaces.ifnameOf(a.nicMac()))));
        state.vips().values().forEach(v -> held.add(new Floating(v.ip(), interfaces.ifnameOf(v.ownerEthernetMac()))));
        floating = List.copyOf(held);
        write(files.monitorScript(), files.monitorScript(next), true);
        write(files.standDownFile(), next.standDown() ? "1\n" : "0\n", false);
        List<String> own = new ArrayList<>();
        state.nics().values().forEach(n -> own.add(n.ip()));
        write(files.conntrackdConf(), files.conntrackd(next, syncNic.ip(), interfaces.ifnameOf(syncNic.mac()), own), false);
    }

    private static NicInfo requireNic(DesiredState state, String mac, String field) {
        NicInfo nic = mac == null ? null : state.nic(mac);
        if (nic == null) {
            throw new IllegalArgumentException(field + " " + mac + " is not a nic configured through /configurenic");
        }
        return nic;
    }

    private static void write(Path file, String content, boolean executable) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        if (executable) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    // ---------------------------------------------------------------- keepalived's notifications

    private void startFifoReader() {
        Path fifo = files.fifo();
        try {
            if (!Files.exists(fifo)) {
                runner.check(List.of("mkfifo", "-m", "600", fifo.toString()), null);
            }
            // read-write: the FIFO never reports end of file when keepalived restarts and reopens it
            fifoHandle = new RandomAccessFile(fifo.toFile(), "rw");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot open keepalived's notify FIFO " + fifo + ": " + e.getMessage(), e);
        }
        RandomAccessFile handle = fifoHandle;
        fifoReader = new Thread(() -> readNotifications(handle), "keepalived-notify");
        fifoReader.setDaemon(true);
        fifoReader.start();
    }

    /** Lines such as {@code INSTANCE "pair" MASTER 100}; anything else is logged and skipped. */
    private void readNotifications(RandomAccessFile handle) {
        while (true) {
            String line;
            try {
                line = handle.readLine();
            } catch (IOException e) {
                LOG.info("keepalived's notify FIFO closed: {}", e.getMessage());
                return;
            }
            if (line == null) {
                return;
            }
            try {
                onNotification(line.trim());
            } catch (RuntimeException e) {
                LOG.warn("keepalived notification '{}' not handled: {}", line, e.toString(), e);
            }
        }
    }

    void onNotification(String line) {
        String[] words = line.split("\\s+");
        if (words.length < 3 || !words[0].equals("INSTANCE")) {
            LOG.debug("keepalived says: {}", line);
            return;
        }
        HaState next = switch (words[2]) {
            case "MASTER" -> HaState.Master;
            case "BACKUP" -> HaState.Backup;
            case "FAULT", "STOP" -> HaState.Fault;
            default -> null;
        };
        if (next == null) {
            return;
        }
        // reported at once (the management node's long poll answers), then the connection tables follow
        if (status.set(next)) {
            LOG.info("router {}: VRRP {}", routerName, next);
        }
        conntrackFor(next);
    }

    /** The conntrack-tools' primary/backup script, step for step. */
    private void conntrackFor(HaState state) {
        if (conntrackd == null) {
            return;
        }
        String conf = files.conntrackdConf().toString();
        List<String> steps = switch (state) {
            // commit the peer's connections, flush both caches, resync from the kernel, push to the new backup
            case Master -> List.of("-c", "-f", "-R", "-B");
            // shorten the timers of what the kernel holds, ask the master for its table
            case Backup -> List.of("-t", "-n");
            case Fault -> List.of("-t");
            case NoHa -> List.of();
        };
        if (!steps.isEmpty()) {
            awaitConntrackd(conf);
        }
        for (String step : steps) {
            CommandResult r = runner.run(List.of("conntrackd", "-C", conf, step), null);
            if (r.exitCode() != 0) {
                LOG.warn("conntrackd {} failed ({}): {}", step, r.exitCode(), r.stderr().strip());
            }
        }
    }

    /**
     * conntrackd starts with the agent's HA part, a moment before keepalived's first word: a resync asked of a daemon
     * not yet listening would be lost, and the backup would miss every flow established before it came (conntrackd
     * sends only changes afterwards). Waits up to 5 s for its control socket to appear.
     */
    private void awaitConntrackd(String conf) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        Path socket = files.conntrackdSocket();
        while (System.nanoTime() < deadline) {
            if (Files.exists(socket)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("conntrackd does not answer on its control socket after 5 s; going on");
    }

    private synchronized void stopDaemons() {
        // conntrackd first: keepalived takes the floating addresses away as it exits, and the caller puts back those
        // the router keeps (a router leaving its pair keeps the gateway): nothing should wait in between
        if (conntrackd != null) {
            conntrackd.close();
            conntrackd = null;
        }
        if (keepalived != null) {
            keepalived.close();
            keepalived = null;
        }
        if (fifoHandle != null) {
            try {
                fifoHandle.close();
            } catch (IOException e) {
                LOG.debug("closing the FIFO: {}", e.toString());
            }
            fifoHandle = null;
        }
    }

    private static void deleteQuietly(Path... paths) {
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.debug("cannot delete {}: {}", p, e.toString());
            }
        }
    }

    @Override
    public void close() {
        stopDaemons();
    }
}
