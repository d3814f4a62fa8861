package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.server.hypervisor.Hypervisor;
import io.vrouter.server.hypervisor.HypervisorException;
import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.net.Ipv4;
import io.vrouter.server.net.Ipv4Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * VMs as network namespaces on this Linux host (type {@code Netns}).
 *
 * <p><b>Networks.</b> An L2 network is a bridge {@code <prefix>b<l2>} in the installation's {@link Fabric}
 * namespace; a VLAN L2 whose physical interface exists on the host also gets the VLAN sub-interface
 * {@code <prefix>v<l2>} as a bridge port (a no-VLAN L2 never touches the physical interface: enslaving it would take
 * the host's own address away). A nic is a veth pair: the bridge end {@code <prefix>n<nic>} in the fabric, the VM
 * end {@code eth<deviceId>} in the VM's namespace, with the nic's MAC.
 *
 * <p><b>VMs.</b> A user VM runs busybox udhcpc per nic with the project's script, which writes the resolver to
 * {@code /etc/netns/<namespace>/resolv.conf}. An appliance VM gets its nic addresses from the management node (its
 * spec), as ZStack's appliance bootstrap does, and runs the agent jar in its namespace, listening on its management
 * nic (the nic of device 0: the management L3 comes first in a router's nics); the host takes the management L3's
 * gateway address on that L2 (through the fabric's management port) so the management node reaches the agent,
 * unless the host already routes that subnet. A supervisor restarts dead agents after
 * {@link NetnsSettings#agentRestartDelay} and dead DHCP clients at once, as a VM's init system would.
 *
 * <p>Every operation is idempotent and serialised per VM; bridge changes are serialised host-wide (by the fabric).
 */
public final class NetnsHypervisor implements Hypervisor, AutoCloseable {
    public static final String TYPE = "Netns";
    private static final Logger LOG = LoggerFactory.getLogger(NetnsHypervisor.class);
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final NetnsSettings settings;
    private final RouterAgentCredentials credentials;
    private final LinuxHost host = new LinuxHost();
    private final BigTcp bigTcp = BigTcp.fromEnvironment();
    private final Map<String, Object> vmLocks = new ConcurrentHashMap<>();
    /** Running VMs whose processes the supervisor keeps alive. */
    private final Map<String, VmSpec> supervised = new ConcurrentHashMap<>();
    private final Map<String, Long> deadSince = new ConcurrentHashMap<>();
    private volatile NetnsNames names;
    private volatile Fabric fabric;
    private ScheduledExecutorService supervisor;

    public NetnsHypervisor(NetnsSettings settings) {
        this(settings, null);
    }

    /** @param authority the installation's certificate authority: it issues each router's agent certificate */
    public NetnsHypervisor(NetnsSettings settings, io.vrouter.agent.tls.CertificateAuthority authority) {
        this.settings = settings;
        this.credentials = new RouterAgentCredentials(authority);
    }

    @Override
    public String type() {
        return TYPE;
    }

    public NetnsSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- names

    /** This installation's names; the prefix is chosen (free on this host) and saved on first use. */
    public synchronized NetnsNames names() {
        if (names != null) {
            return names;
        }
        String prefix = settings.prefix();
        Path file = settings.workDir().resolve("prefix");
        try {
            if (prefix == null && Files.isRegularFile(file)) {
                prefix = Files.readString(file).trim();
            }
            if (prefix == null) {
                prefix = freePrefix();
                Files.createDirectories(settings.workDir());
                Files.writeString(file, prefix + "\n");
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot read or write the netns name prefix " + file + ": " + e, e);
        }
        names = new NetnsNames(prefix);
        fabric = new Fabric(host, names, bigTcp);
        return names;
    }

    private Fabric fabric() {
        names();
        return fabric;
    }

    /** Whether this installation may already have something on the host (a prefix was chosen before). */
    private boolean hasPrefix() {
        return settings.prefix() != null || Files.isRegularFile(settings.workDir().resolve("prefix"));
    }

    private String freePrefix() {
        SecureRandom random = new SecureRandom();
        List<String> taken = new ArrayList<>(host.links());
        taken.addAll(host.namespaces());
        for (int attempt = 0; attempt < 50; attempt++) {
            StringBuilder p = new StringBuilder("vn");
            for (int i = 0; i < 4; i++) {
                p.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String candidate = p.toString();
            if (taken.stream().noneMatch(name -> name.startsWith(candidate))) {
                return candidate;
            }
        }
        throw new HypervisorException("no free netns name prefix after 50 attempts");
    }

    /** The namespace of a VM. */
    public String namespaceOf(String vmUuid) {
        return names().namespace(vmUuid);
    }

    /** The bridge of an L2 network. */
    public String bridgeOf(String l2Uuid) {
        return names().bridge(l2Uuid);
    }

    /** The namespace that holds this installation's bridges and their ports. */
    public String fabricNamespace() {
        return fabric().namespace();
    }

    /**
     * Plugs something of the operator's into an L2 network (the demo's outside world): a veth pair from port
     * {@code port} (a name of this installation, see {@link NetnsNames#extra}) of the L2's bridge to {@code ifname}
     * in namespace {@code ns}, both ends up. {@link #unplug} or removing {@code ns} takes it away.
     */
    public void plugIntoL2(String l2Uuid, String port, String ns, String ifname) {
        fabric().plug(Fabric.L2.withoutVlan(l2Uuid), port, ns, ifname, null);
    }

    /**
     * The IPv4 GSO/GRO packet size the backend gives the links it makes (BIG TCP), or 0 when they keep the kernel's
     * 64 KiB (an older kernel, or turned off with {@value BigTcp#SIZE_PROPERTY}=0).
     */
    public int bigTcpBytes() {
        return bigTcp.size();
    }

    /** Gives links made outside the backend its link settings: for baselines measured like for like. */
    public void applyLinkSettings(String ns, List<String> ifnames) {
        bigTcp.apply(ns, ifnames);
    }

    /** Removes a port {@link #plugIntoL2} made; nothing when it is not there. */
    public void unplug(String port) {
        fabric().unplug(port);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start(VmSpec vm) {
        synchronized (lockOf(vm.uuid())) {
            NetnsNames n = names();
            String ns = n.namespace(vm.uuid());
            if (vm.isAppliance()) {
                checkManagementSubnet(vm); // before anything exists, so a refusal leaves nothing behind
            }
            ensureNamespace(ns);
            Fabric f = fabric();
            for (NicSpec nic : vm.nics()) {
                f.plug(Fabric.L2.of(nic), n.hostVeth(nic.uuid()), ns, NetnsNames.guestIfname(nic.deviceId()), nic.mac());
            }
            if (vm.isAppliance()) {
                configureApplianceNics(ns, vm);
                ensureManagementAddress(vm);
                ensureAgent(vm);
            } else {
                ensureDhcpClients(vm);
            }
            supervised.put(vm.uuid(), vm);
            deadSince.remove(vm.uuid());
            ensureSupervisor();
        }
    }

    @Override
    public void stop(VmSpec vm) {
        synchronized (lockOf(vm.uuid())) {
            supervised.remove(vm.uuid());
            String ns = names().namespace(vm.uuid());
            if (!host.namespaceExists(ns)) {
                return;
            }
            // SIGTERM first: the agent stops its dnsmasq itself
            host.killAllIn(ns, STOP_GRACE);
            for (NicSpec nic : vm.nics()) {
                String ifname = NetnsNames.guestIfname(nic.deviceId());
                host.run("ip", "-n", ns, "-4", "addr", "flush", "dev", ifname);
                host.run("ip", "-n", ns, "link", "set", "dev", ifname, "down");
            }
        }
    }

    @Override
    public void reboot(VmSpec vm) {
        synchronized (lockOf(vm.uuid())) {
            stop(vm);
            start(vm);
        }
    }

    @Override
    public void destroy(VmSpec vm) {
        synchronized (lockOf(vm.uuid())) {
            supervised.remove(vm.uuid());
            removeNamespace(vm.uuid());
            Fabric f = fabric();
            for (NicSpec nic : vm.nics()) {
                f.unplug(names().hostVeth(nic.uuid()));
            }
            f.removeUnusedBridges();
        }
        vmLocks.remove(vm.uuid());
    }

    /**
     * Makes the host match the database: namespaces of this installation that belong to no running VM are removed
     * (a stopped VM's is recreated by its next start), the fabric gets its settings back and loses what the host
     * namespace holds of an older layout, running VMs get back whatever is missing (namespace, links, addresses,
     * processes), bridges left without ports are removed.
     */
    @Override
    public void reconcile(List<VmSpec> running) {
        if (running.isEmpty() && !hasPrefix()) {
            return; // this installation never made anything on this host
        }
        NetnsNames n = names();
        Set<String> wanted = new HashSet<>();
        running.forEach(vm -> wanted.add(vm.uuid()));
        for (String ns : host.namespaces()) {
            String vmUuid = n.vmOfNamespace(ns);
            if (vmUuid != null && !wanted.contains(vmUuid)) {
                LOG.info("removing stray namespace {}", ns);
                removeNamespace(vmUuid);
            }
        }
        fabric().reconcile();
        for (VmSpec vm : running) {
            try {
                start(vm);
            } catch (RuntimeException e) {
                LOG.warn("cannot restore VM {} ({}) on this host: {}", vm.name(), vm.uuid(), e.getMessage());
            }
        }
        fabric().removeUnusedBridges();
    }

    /** Installs the shipped agent jar in a router and restarts its agent (Reconnect's upgrade step). */
    public void deployAgent(VmSpec router) {
        synchronized (lockOf(router.uuid())) {
            Path dir = vmDir(router.uuid());
            copyAgentJar(dir);
            stopAgent(router.uuid());
            writeAgentConfig(router);
            spawnAgent(router);
            deadSince.remove(router.uuid());
        }
    }

    /** The address and port the agent of a router listens on. */
    public String agentUrl(VmSpec router) {
        return "https://" + managementNic(router).ip() + ":" + AgentPaths.DEFAULT_PORT;
    }

    /** The pid of a router's agent process, or -1 when none runs. */
    public long agentPid(String vmUuid) {
        return livePid(vmDir(vmUuid).resolve("agent.pid"), vmDir(vmUuid).resolve("agent.json").toString());
    }

    /**
     * Removes everything of this installation from the host whatever the database says: every namespace with its
     * processes, the fabric with every bridge, VLAN interface and veth, every link of the installation left in the
     * host namespace, every /etc/netns directory. For tests and {@code demo --clean}.
     */
    public void cleanAll() {
        supervised.clear();
        if (names == null && !hasPrefix()) {
            return; // nothing of this installation was ever made
        }
        NetnsNames n = names();
        List<RuntimeException> failures = new ArrayList<>();
        for (String ns : host.namespaces()) {
            String vmUuid = n.vmOfNamespace(ns);
            try {
                if (vmUuid != null) {
                    removeNamespace(vmUuid);
                } else if (n.ownsExtraNamespace(ns)) {
                    host.killAllIn(ns, STOP_GRACE);
                    host.run("ip", "netns", "del", ns);
                    deleteTree(Path.of("/etc/netns", ns));
                }
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        try {
            fabric().remove();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        for (String link : host.links()) {
            if (n.ownsLink(link)) {
                host.run("ip", "link", "del", link);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    @Override
    public synchronized void close() {
        if (supervisor != null) {
            supervisor.shutdownNow();
            supervisor = null;
        }
    }

    // ---------------------------------------------------------------- namespaces, bridges, veths

    private Object lockOf(String vmUuid) {
        return vmLocks.computeIfAbsent(vmUuid, k -> new Object());
    }

    private void ensureNamespace(String ns) {
        if (!host.namespaceExists(ns)) {
            var r = host.run("ip", "netns", "add", ns);
            if (!r.succeeded() && !host.namespaceExists(ns)) {
                throw new HypervisorException("cannot create namespace " + ns + ": " + r.stderr().strip());
            }
        }
        host.check("ip", "-n", ns, "link", "set", "lo", "up");
    }

    private void removeNamespace(String vmUuid) {
        String ns = names().namespace(vmUuid);
        if (host.namespaceExists(ns)) {
            host.killAllIn(ns, STOP_GRACE);
            var r = host.run("ip", "netns", "del", ns);
            if (!r.succeeded() && host.namespaceExists(ns)) {
                throw new HypervisorException("cannot remove namespace " + ns + ": " + r.stderr().strip());
            }
        }
        deleteTree(Path.of("/etc/netns", ns));
        deleteTree(vmDir(vmUuid));
    }

    // ---------------------------------------------------------------- appliances

    /** The router's management nic: device 0 (the management L3 is always a router's first nic). */
    static NicSpec managementNic(VmSpec router) {
        return router.nics().stream().min(Comparator.comparingInt(NicSpec::deviceId))
                .orElseThrow(() -> new HypervisorException("appliance VM " + router.name() + " (" + router.uuid() + ") has no nic"));
    }

    private static Ipv4Cidr subnetOf(NicSpec nic) {
        return Ipv4Cidr.of(Ipv4.parse(nic.ip()), Ipv4.parse(nic.netmask()));
    }

    /** The host must not already route the management subnet through anything but our management port. */
    private void checkManagementSubnet(VmSpec router) {
        NicSpec mgmt = managementNic(router);
        if (mgmt.gateway() == null) {
            throw new HypervisorException("the management L3 network " + mgmt.l3NetworkUuid() + " of router " + router.name()
                    + " has no gateway; the netns host takes the gateway address to reach the agent");
        }
        Ipv4Cidr subnet = subnetOf(mgmt);
        String ours = names().managementPort(mgmt.l2NetworkUuid());
        for (String[] route : host.routes()) {
            if (route[1].equals(ours)) {
                continue;
            }
            Ipv4Cidr dst = Ipv4Cidr.tryParse(route[0]).orElse(null);
            if (dst != null && dst.overlaps(subnet)) {
                throw new HypervisorException("cannot start router " + router.name() + " (" + router.uuid() + "): its management"
                        + " subnet " + subnet + " overlaps the host's route " + route[0] + " (dev " + route[1] + "); giving the host an"
                        + " address there would break the host's own connectivity. Use a management L3 network on a subnet"
                        + " this host does not route");
            }
        }
    }

    private void ensureManagementAddress(VmSpec router) {
        NicSpec mgmt = managementNic(router);
        fabric().ensureManagementAddress(mgmt.l2NetworkUuid(), mgmt.gateway() + "/" + subnetOf(mgmt).prefixLength());
    }

    /** ZStack's appliance bootstrap: each nic gets the address the management node allocated to it. */
    private void configureApplianceNics(String ns, VmSpec router) {
        StringBuilder batch = new StringBuilder();
        for (NicSpec nic : router.nics()) {
            String ifname = NetnsNames.guestIfname(nic.deviceId());
            batch.append("addr replace ").append(nic.ip()).append('/').append(subnetOf(nic).prefixLength())
                    .append(" dev ").append(ifname).append('\n');
            if (nic.defaultRoute() && nic.gateway() != null && !nic.gateway().equals(nic.ip())) {
                batch.append("route replace default via ").append(nic.gateway()).append(" dev ").append(ifname).append('\n');
            }
        }
        var r = host.runWithInput(batch.toString(), "ip", "-n", ns, "-batch", "-");
        if (!r.succeeded()) {
            throw new HypervisorException("cannot configure the nics of router " + router.name() + " (" + router.uuid()
                    + ") in " + ns + ": " + r.stderr().strip());
        }
    }

    private Path vmDir(String vmUuid) {
        return settings.workDir().resolve("vms").resolve(vmUuid);
    }

    private void ensureAgent(VmSpec router) {
        Path dir = vmDir(router.uuid());
        if (!Files.isRegularFile(dir.resolve("vrouter-agent.jar"))) {
            copyAgentJar(dir);
        }
        writeAgentConfig(router);
        if (agentPid(router.uuid()) < 0) {
            spawnAgent(router);
        }
    }

    private void copyAgentJar(Path dir) {
        Path jar = settings.agentJar();
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new HypervisorException("the netns backend has no agent jar to run in routers (looked for "
                    + (jar == null ? "agent/target/vrouter-agent.jar" : jar) + "); build it (mvn -pl agent package) or set "
                    + NetnsSettings.AGENT_JAR_ENV);
        }
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("vrouter-agent.jar.tmp");
            Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, dir.resolve("vrouter-agent.jar"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HypervisorException("cannot copy the agent jar " + jar + " to " + dir + ": " + e, e);
        }
    }

    private void writeAgentConfig(VmSpec router) {
        String secret = router.bootParams().get("agentSecret");
        if (secret == null) {
            throw new HypervisorException("appliance VM " + router.name() + " (" + router.uuid() + ") has no agentSecret boot parameter");
        }
        Path dir = vmDir(router.uuid());
        String json = "{\"name\":\"" + router.uuid() + "\",\"listenAddress\":\"" + managementNic(router).ip()
                + "\",\"port\":" + AgentPaths.DEFAULT_PORT + ",\"secret\":\"" + secret + "\",\"dataDir\":\""
                + dir.resolve("agent-data") + "\",\"dataplane\":\"linux\",\"logLevel\":\"info\",\"cleanOnStop\":false"
                + credentials.write(router, managementNic(router), dir) + "}\n";
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("agent.json");
            Files.writeString(config, json);
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new HypervisorException("cannot write the agent config of router " + router.uuid() + ": " + e, e);
        }
    }

    private void spawnAgent(VmSpec router) {
        Path dir = vmDir(router.uuid());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        spawn(router.uuid(), dir.resolve("agent.pid"), dir.resolve("agent.log"), Map.of(),
                "ip", "netns", "exec", names().namespace(router.uuid()), java, "-Xss512k", "-Xmx96m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-jar", dir.resolve("vrouter-agent.jar").toString(),
                "--config", dir.resolve("agent.json").toString());
    }

    private void stopAgent(String vmUuid) {
        long pid = agentPid(vmUuid);
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(h -> LinuxHost.terminate(List.of(h), STOP_GRACE));
        }
    }

    // ---------------------------------------------------------------- user VMs

    private void ensureDhcpClients(VmSpec vm) {
        String ns = names().namespace(vm.uuid());
        Path script = dhcpScript();
        Path etc = Path.of("/etc/netns", ns);
        Path resolv = etc.resolve("resolv.conf");
        try {
            Files.createDirectories(etc);
            if (!Files.exists(resolv)) {
                Files.writeString(resolv, ""); // must exist before `ip netns exec` so it is bind-mounted as /etc/resolv.conf
            }
            Files.createDirectories(vmDir(vm.uuid()));
        } catch (IOException e) {
            throw new HypervisorException("cannot prepare " + etc + " for VM " + vm.uuid() + ": " + e, e);
        }
        for (NicSpec nic : vm.nics()) {
            String ifname = NetnsNames.guestIfname(nic.deviceId());
            Path pidFile = vmDir(vm.uuid()).resolve("udhcpc-" + ifname + ".pid");
            if (livePid(pidFile, "udhcpc") > 0) {
                continue;
            }
            spawn(vm.uuid(), pidFile, vmDir(vm.uuid()).resolve("udhcpc-" + ifname + ".log"),
                    Map.of("VROUTER_RESOLV", nic.defaultRoute() ? resolv.toString() : "",
                            "VROUTER_DEFAULT_ROUTE", nic.defaultRoute() ? "1" : "0",
                            "VROUTER_LEASE", vmDir(vm.uuid()).resolve("lease-" + ifname).toString()),
                    "ip", "netns", "exec", ns, "busybox", "udhcpc", "-f", "-i", ifname, "-s", script.toString(),
                    "-t", "1000000", "-T", "1", "-A", "1", "-x", "hostname:" + vm.name().replaceAll("[^A-Za-z0-9-]", "-"));
        }
    }

    /** Where the guest's DHCP client recorded its lease on {@code eth<deviceId>}, if it has one. */
    public String leaseOf(String vmUuid, int deviceId) {
        try {
            Path lease = vmDir(vmUuid).resolve("lease-" + NetnsNames.guestIfname(deviceId));
            return Files.isRegularFile(lease) ? Files.readString(lease).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** What the guest's DHCP client printed on {@code eth<deviceId>} (which server leased what), for diagnostics. */
    public String dhcpLog(String vmUuid, int deviceId) {
        try {
            Path log = vmDir(vmUuid).resolve("udhcpc-" + NetnsNames.guestIfname(deviceId) + ".log");
            return Files.isRegularFile(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private synchronized Path dhcpScript() {
        Path script = settings.workDir().resolve("udhcpc.script");
        try (InputStream in = NetnsHypervisor.class.getResourceAsStream("/netns/udhcpc.script")) {
            if (in == null) {
                throw new HypervisorException("the udhcpc script is missing from the server's resources");
            }
            byte[] content = in.readAllBytes();
            if (!Files.exists(script) || !java.util.Arrays.equals(Files.readAllBytes(script), content)) {
                Files.createDirectories(settings.workDir());
                Path tmp = settings.workDir().resolve("udhcpc.script.tmp");
                Files.write(tmp, content);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, script, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot write the udhcpc script " + script + ": " + e, e);
        }
        return script;
    }

    // ---------------------------------------------------------------- processes

    /**
     * Starts a process detached from this JVM's lifetime (output to a log, stdin from /dev/null), so VMs keep
     * running while the management node restarts; its pid goes to {@code pidFile} ({@code ip netns exec} execs the
     * command, so the pid is the command's).
     */
    private void spawn(String vmUuid, Path pidFile, Path log, Map<String, String> env, String... argv) {
        try {
            Files.createDirectories(pidFile.getParent());
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process process = pb.start();
            Files.writeString(pidFile, process.pid() + "\n");
        } catch (IOException e) {
            throw new HypervisorException("cannot start " + String.join(" ", argv) + " for VM " + vmUuid + ": " + e, e);
        }
    }

    /** The pid in {@code pidFile} if that process is alive and its command line contains {@code marker}; else -1. */
    private static long livePid(Path pidFile, String marker) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return -1;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            String cmdline = LinuxHost.cmdline(pid);
            return cmdline != null && cmdline.contains(marker) ? pid : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private synchronized void ensureSupervisor() {
        if (supervisor == null) {
            supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "netns-supervisor");
                t.setDaemon(true);
                return t;
            });
            supervisor.scheduleWithFixedDelay(this::superviseQuietly, 1, 1, TimeUnit.SECONDS);
        }
    }

    private void superviseQuietly() {
        for (VmSpec vm : supervised.values()) {
            try {
                supervise(vm);
            } catch (RuntimeException e) {
                // the loop never dies: the next round tries again
                LOG.warn("supervising VM {} ({}) failed: {}", vm.name(), vm.uuid(), e.getMessage());
            }
        }
    }

    private void supervise(VmSpec vm) {
        if (!vm.isAppliance()) {
            boolean allAlive = vm.nics().stream().allMatch(nic -> livePid(vmDir(vm.uuid())
                    .resolve("udhcpc-" + NetnsNames.guestIfname(nic.deviceId()) + ".pid"), "udhcpc") > 0);
            if (!allAlive) {
                synchronized (lockOf(vm.uuid())) {
                    if (supervised.containsKey(vm.uuid())) {
                        ensureDhcpClients(vm);
                    }
                }
            }
            return;
        }
        if (agentPid(vm.uuid()) > 0) {
            deadSince.remove(vm.uuid());
            return;
        }
        long now = System.nanoTime();
        long since = deadSince.computeIfAbsent(vm.uuid(), k -> now);
        if (now - since < settings.agentRestartDelay().toNanos()) {
            return;
        }
        synchronized (lockOf(vm.uuid())) {
            if (supervised.containsKey(vm.uuid()) && agentPid(vm.uuid()) < 0) {
                LOG.warn("the agent of router {} ({}) is not running: restarting it", vm.name(), vm.uuid());
                spawnAgent(vm);
            }
            deadSince.remove(vm.uuid());
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot remove " + dir + ": " + e, e);
        }
    }
}
