package io.vrouter.hostagent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.hostagent.ConnectReply;
import io.vrouter.agent.protocol.hostagent.L2TO;
import io.vrouter.agent.protocol.hostagent.NicTO;
import io.vrouter.agent.protocol.hostagent.PlugCmd;
import io.vrouter.agent.protocol.hostagent.VmStatusReply;
import io.vrouter.agent.protocol.hostagent.VmTO;
import io.vrouter.agent.tls.TlsIdentity;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a host agent does on its host, composed of one piece per job, each given the host ({@link NetnsHost}) it acts on:
 * <ul>
 *   <li>{@link Fabric}: the L2 networks, bridges with their uplinks (the physical interface, or a VLAN sub-interface
 *       of it), veth ports and management ports, in the installation's fabric namespace (with {@link BigTcp} on
 *       every link it makes);</li>
 *   <li>{@link VmNamespaces}: a VM's namespace, its nics plugged into the fabric, an appliance's addresses;</li>
 *   <li>{@link GuestDhcpClients}: busybox udhcpc per nic of a user VM;</li>
 *   <li>{@link RouterAgentDeployment}: the agent jar, config and process of a router;</li>
 *   <li>{@link ProcessSupervisor}: detached processes restarted when they die;</li>
 *   <li>{@link HostCleanup}: what no running VM wants, and everything of the installation.</li>
 * </ul>
 * This class turns the protocol's {@link VmTO} into the plain values those pieces take, checks what the host must
 * not already have (a route over a router's management subnet, a missing physical interface) before anything is
 * made, and serialises operations per VM. Every operation is idempotent.
 *
 * <p>What runs is written down ({@code vms/<uuid>/running.json}) so that an agent that restarts adopts it
 * ({@link #adopt()}): the namespaces, bridges and processes never stopped (processes are detached from the agent),
 * the new agent only watches them again.
 */
public final class HostAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostAgent.class);
    private static final ObjectMapper JSON = AgentJson.newMapper();
    private static final String RUNNING = "running.json";

    private final HostAgentSettings settings;
    private final String agentUuid = UUID.randomUUID().toString().replace("-", "");
    private final HostCheck check;
    /** Raised on connect: each router's dnsmasq needs an instance, the kernel's default allows 128 (InotifyLimits). */
    private final InotifyLimits inotify;
    private final LinuxHost kernel = new LinuxHost();
    private final BigTcp bigTcp = BigTcp.fromEnvironment(kernel.rtnetlink());
    private final Map<String, Object> vmLocks = new ConcurrentHashMap<>();
    /** VMs {@link #prepare}d and not started, stopped or destroyed since, with what was plumbed. */
    private final Map<String, Plumbed> prepared = new ConcurrentHashMap<>();
    private final ProcessSupervisor supervisor = new ProcessSupervisor(this::lockOf);
    /** The pieces for this host, made on first use (choosing the prefix writes it to the work dir). */
    private volatile OnHost pieces;
    private volatile boolean closed;

    public HostAgent(HostAgentSettings settings) {
        this(settings, new HostCheck());
    }

    HostAgent(HostAgentSettings settings, HostCheck check) {
        this(settings, check, InotifyLimits.ofKernel());
    }

    HostAgent(HostAgentSettings settings, HostCheck check, InotifyLimits inotify) {
        this.settings = settings;
        this.check = check;
        this.inotify = inotify;
    }

    private record OnHost(NetnsHost host, Fabric fabric, VxlanFabric vxlan, VmNamespaces namespaces, GuestDhcpClients dhcp,
                          RouterAgentDeployment agents, SpareRouterAgents spares, HostCleanup cleanup) {
        static OnHost of(NetnsHost host, BigTcp bigTcp, HostAgentSettings settings, ProcessSupervisor supervisor) {
            Fabric fabric = new Fabric(host, bigTcp, settings.bridgesWithoutUplink());
            VmNamespaces namespaces = new VmNamespaces(host, fabric);
            AgentJarCache jars = new AgentJarCache(host.workDir().resolve("agent-jars"));
            SpareRouterAgents spares = new SpareRouterAgents(host, settings.agentJar(), settings.spareAgents(), jars);
            // the agent runs in the host's own namespace: that is where the host's VTEP address is
            return new OnHost(host, fabric, new VxlanFabric(host, fabric, null), namespaces, new GuestDhcpClients(host, supervisor),
                    new RouterAgentDeployment(host, settings.agentJar(), settings.agentRestartDelay(), supervisor, jars, spares),
                    spares, new HostCleanup(host, fabric, namespaces));
        }
    }

    private OnHost pieces() {
        OnHost h = pieces;
        if (h == null) {
            synchronized (this) {
                if (pieces == null) {
                    pieces = OnHost.of(NetnsHost.open(NetnsHost.LOCAL, settings.workDir(), settings.prefix(), kernel), bigTcp,
                            settings, supervisor);
                    if (!closed) {
                        pieces.spares().replenishInBackground(); // the archive, then the spares: off every VM operation's path
                    }
                }
                h = pieces;
            }
        }
        return h;
    }

    /** Whether this installation may already have something on this host (a prefix was chosen before). */
    private boolean hasPrefix() {
        return pieces != null || NetnsHost.hasPrefix(settings.workDir(), settings.prefix());
    }

    public HostAgentSettings settings() {
        return settings;
    }

    /** This run of the agent: another after every restart. */
    public String agentUuid() {
        return agentUuid;
    }

    // ---------------------------------------------------------------- host

    /** Whether this host can run VMs, and with how much; the prefix is chosen (and saved) when it can. */
    public ConnectReply connect() {
        String problems = check.problems();
        if (problems == null) {
            inotify.ensure();
        }
        String prefix = problems == null ? names().prefix() : null;
        return new ConnectReply(true, null, problems, Runtime.getRuntime().availableProcessors(), memoryBytes(), agentUuid, prefix,
                HostAgent.class.getPackage().getImplementationVersion());
    }

    private static long memoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: report what the JVM sees
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** This host's names; the prefix is chosen (free on this host) and saved on first use. */
    public NetnsNames names() {
        return pieces().host().names();
    }

    /** The physical interfaces of {@code interfaces} this host does not have. */
    public List<String> missingInterfaces(List<String> interfaces) {
        return interfaces.stream().filter(i -> !kernel.linkExists(i)
                && !kernel.linksIn(names().fabric()).containsKey(i)).distinct().toList();
    }

    /**
     * At agent start: watches again the processes of every VM that ran when the last agent stopped (they kept running)
     * and restores whatever of them is missing.
     */
    public void adopt() {
        if (!hasPrefix()) {
            return;
        }
        List<VmTO> running = recordedRunning();
        for (VmTO vm : running) {
            try {
                start(vm, true);
            } catch (RuntimeException e) {
                LOG.warn("cannot adopt VM {} ({}): {}", vm.name(), vm.uuid(), e.getMessage());
            }
        }
        if (!running.isEmpty()) {
            LOG.info("adopted {} running VM(s) of the last run", running.size());
        }
    }

    private List<VmTO> recordedRunning() {
        List<VmTO> vms = new ArrayList<>();
        Path dir = settings.workDir().resolve("vms");
        if (!Files.isDirectory(dir)) {
            return vms;
        }
        try (var entries = Files.list(dir)) {
            for (Path vmDir : entries.toList()) {
                Path file = vmDir.resolve(RUNNING);
                if (Files.isRegularFile(file)) {
                    try {
                        vms.add(JSON.readValue(file.toFile(), VmTO.class));
                    } catch (IOException e) {
                        LOG.warn("cannot read {}: {}", file, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new HostAgentException("cannot list " + dir + ": " + e, e);
        }
        return vms;
    }

    private void recordRunning(VmTO vm) {
        Path dir = pieces().host().vmDir(vm.uuid());
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(RUNNING + ".tmp");
            // a router's secret is in it: the file is the root's alone
            Files.write(tmp, JSON.writeValueAsBytes(vm));
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, dir.resolve(RUNNING), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HostAgentException("cannot record VM " + vm.uuid() + " as running: " + e, e);
        }
    }

    private void forgetRunning(String vmUuid) {
        try {
            Files.deleteIfExists(pieces().host().vmDir(vmUuid).resolve(RUNNING));
        } catch (IOException e) {
            throw new HostAgentException("cannot forget VM " + vmUuid + ": " + e, e);
        }
    }

    // ---------------------------------------------------------------- VMs

    /** Creates the VM on this host if needed and starts it; a VM that runs is left as it is. */
    public void start(VmTO vm) {
        start(vm, false);
    }

    /**
     * The VM's place on this host without its boot: its namespace, its nics plugged into their L2s (what
     * {@link #start} does before it starts the VM's DHCP clients or its router agent). The node does this while the
     * router makes the VM's DHCP entry, and starts the VM when both are done, so that the guest's first DISCOVER
     * finds its entry (docs/netns.md). Idempotent; undone by {@link #destroy} or {@link #stop}; a restart of this
     * agent forgets it (the VM is not recorded as running until it starts).
     */
    public void prepare(VmTO vm) {
        synchronized (lockOf(vm.uuid())) {
            OnHost h = pieces();
            plumb(h, vm, false);
            prepared.put(vm.uuid(), new Plumbed(network(vm), vxlansOf(vm)));
        }
    }

    /**
     * {@code adopting}: the VM comes from this host's own record of an earlier run, whose VXLAN peers may be older than
     * what the node sent since; a vxlan device that exists is then left as it is (the node's next reconcile sends the
     * peers of now).
     */
    private void start(VmTO vm, boolean adopting) {
        synchronized (lockOf(vm.uuid())) {
            OnHost h = pieces();
            // prepared by the node's last call with this very network: plumbed a moment ago, under this VM's lock (a
            // reconcile in between may have taken the namespace as stray: then plumb again)
            boolean plumbed = new Plumbed(network(vm), vxlansOf(vm)).equals(prepared.remove(vm.uuid()))
                    && kernel.namespaceExists(h.namespaces().namespaceOf(vm.uuid()));
            if (!plumbed) {
                plumb(h, vm, adopting);
            }
            if (vm.appliance()) {
                NicTO mgmt = managementNic(vm);
                if (settings.takesManagementGateway()) {
                    h.fabric().ensureManagementAddress(mgmt.l2().uuid(), mgmt.gateway() + "/" + subnetOf(mgmt).prefixLength());
                }
                h.agents().ensureRunning(agentConfig(vm));
            } else {
                h.dhcp().ensureRunning(guest(vm));
            }
            recordRunning(vm);
        }
    }

    /** What {@link #prepare} plumbed for a VM, so that the start right after it does not plumb again. */
    private record Plumbed(VmNamespaces.VmNetwork network, List<L2TO> vxlans) {
    }

    private static List<L2TO> vxlansOf(VmTO vm) {
        return vm.nics().stream().map(NicTO::l2).filter(L2TO::isVxlan).distinct().toList();
    }

    /** Checks what the host must have, then the VM's namespace with its nics on their L2s. */
    private void plumb(OnHost h, VmTO vm, boolean adopting) {
        // before anything exists, so a refusal leaves nothing behind
        h.fabric().checkUplinks(network(vm).nics().stream().map(VmNamespaces.Nic::l2).toList());
        if (vm.appliance()) {
            checkManagementSubnet(h, vm);
        }
        List<L2TO> vxlans = vxlansOf(vm);
        vxlans.forEach(HostAgent::checkVxlan);
        for (L2TO l2 : vxlans) {
            if (!adopting || h.vxlan().peers(l2.uuid()).isEmpty()) {
                applyVxlan(h, l2);
            }
        }
        if (vm.appliance()) {
            h.agents().claimSpare(vm.uuid()); // a new router: a warm spare's namespace becomes its own
        }
        h.namespaces().ensure(network(vm));
    }

    public void stop(VmTO vm) {
        synchronized (lockOf(vm.uuid())) {
            prepared.remove(vm.uuid());
            supervisor.unwatch(vm.uuid());
            if (hasPrefix()) {
                forgetRunning(vm.uuid());
                pieces().namespaces().stop(network(vm));
            }
        }
    }

    public void destroy(VmTO vm) {
        synchronized (lockOf(vm.uuid())) {
            prepared.remove(vm.uuid());
            supervisor.unwatch(vm.uuid());
            if (hasPrefix()) {
                OnHost h = pieces();
                h.namespaces().remove(network(vm));
                h.cleanup().removeUnusedBridges();
            }
        }
        vmLocks.remove(vm.uuid());
    }

    /**
     * Makes the host match {@code running}: namespaces of this installation that belong to no VM of the list are
     * removed (a stopped VM's is recreated by its next start), the fabric gets its settings back, every listed VM
     * gets back whatever is missing (namespace, links, addresses, processes), bridges left without ports go.
     */
    public void reconcile(List<VmTO> running) {
        if (running.isEmpty() && !hasPrefix()) {
            return; // this installation never made anything on this host
        }
        prepared.clear(); // what it removes or re-plumbs, a start plumbs again
        OnHost h = pieces();
        Set<String> wanted = new HashSet<>();
        running.forEach(vm -> wanted.add(vm.uuid()));
        for (VmTO vm : recordedRunning()) {
            if (!wanted.contains(vm.uuid())) {
                supervisor.unwatch(vm.uuid());
            }
        }
        h.cleanup().removeAllBut(wanted);
        for (VmTO vm : running) {
            try {
                start(vm);
            } catch (RuntimeException e) {
                LOG.warn("cannot restore VM {} ({}) on host {}: {}", vm.name(), vm.uuid(), h.host().id(), e.getMessage());
            }
        }
        h.cleanup().removeUnusedBridges();
    }

    /**
     * The self-fence ({@link SelfFence}): stops every router this host runs (processes killed, addresses flushed,
     * links down) and forgets them as running, so that neither this agent nor the next adopts them; the management
     * node's next reconcile starts again those that did not move. Returns their uuids.
     */
    public List<String> stopRouters() {
        if (!hasPrefix()) {
            return List.of();
        }
        List<String> stopped = new ArrayList<>();
        for (VmTO vm : recordedRunning()) {
            if (vm.appliance()) {
                try {
                    stop(vm);
                    stopped.add(vm.uuid());
                } catch (RuntimeException e) {
                    LOG.error("self-fence: cannot stop router {} ({}): {}", vm.name(), vm.uuid(), e.getMessage());
                }
            }
        }
        return stopped;
    }

    /** Installs the shipped agent jar in a router and restarts its agent (Reconnect's upgrade step). */
    public void deployRouterAgent(VmTO router) {
        synchronized (lockOf(router.uuid())) {
            pieces().agents().redeploy(agentConfig(router));
        }
    }

    /** A VM's namespace, the lease and log of the DHCP client of one nic, the pid of a router's agent. */
    public VmStatusReply status(String vmUuid, int deviceId) {
        OnHost h = pieces();
        return new VmStatusReply(true, null, h.namespaces().namespaceOf(vmUuid), h.dhcp().leaseOf(vmUuid, deviceId),
                h.dhcp().log(vmUuid, deviceId), h.agents().pid(vmUuid));
    }

    // ---------------------------------------------------------------- VXLAN

    /** This host's VTEP address in a VXLAN pool's VTEP cidr: the lowest of its addresses there. */
    public String vtepAddress(String cidr) {
        Ipv4Cidr parsed = Ipv4Cidr.tryParse(cidr).orElseThrow(() -> new HostAgentException("'" + cidr + "' is not an IPv4 cidr"));
        return pieces().vxlan().vtepAddress(parsed).toString();
    }

    /**
     * The peers of the VXLAN L2s this host realizes (a VM of the L2 runs or ran here: its bridge exists); the others
     * are left alone, their first VM brings their whole state. Returns the L2s whose FDB changed.
     */
    public List<String> populateFdb(List<L2TO> networks) {
        networks.forEach(HostAgent::checkVxlan);
        if (!hasPrefix()) {
            return List.of();
        }
        OnHost h = pieces();
        Map<String, String> links = kernel.linksIn(h.fabric().namespace());
        List<String> changed = new ArrayList<>();
        for (L2TO l2 : networks) {
            if (links.containsKey(names().bridge(l2.uuid())) && !applyVxlan(h, l2).isEmpty()) {
                changed.add(l2.uuid());
            }
        }
        return changed;
    }

    private static List<VxlanPlan.Op> applyVxlan(OnHost h, L2TO l2) {
        Set<Ipv4> peers = new HashSet<>();
        l2.peerVteps().forEach(p -> peers.add(Ipv4.parse(p)));
        return h.vxlan().apply(l2.uuid(), l2.vni(), Ipv4.parse(l2.localVtep()), peers);
    }

    /** A VXLAN L2 needs its VNI, this host's VTEP and its peers, all well formed; checked before anything is made. */
    private static void checkVxlan(L2TO l2) {
        if (!l2.isVxlan()) {
            throw new HostAgentException("L2 network " + l2.uuid() + " is of type " + l2.type() + ", not " + L2TO.VXLAN);
        }
        if (l2.vni() == null || l2.vni() < 1 || l2.vni() > 16_777_214 || l2.localVtep() == null || l2.peerVteps() == null
                || Ipv4.tryParse(l2.localVtep()).isEmpty() || !l2.peerVteps().stream().allMatch(p -> Ipv4.tryParse(p).isPresent())) {
            throw new HostAgentException("VXLAN L2 network " + l2.uuid() + " needs a VNI (1-16777214), this host's VTEP address and"
                    + " the peers' VTEP addresses (IPv4); got vni=" + l2.vni() + " localVtep=" + l2.localVtep() + " peerVteps="
                    + l2.peerVteps());
        }
    }

    /** For the tests and tools: the VTEPs a VXLAN L2's device floods to on this host, empty when it has no device. */
    public Set<String> vxlanPeers(String l2Uuid) {
        return pieces().vxlan().peers(l2Uuid).map(p -> {
            Set<String> out = new java.util.TreeSet<>();
            p.forEach(a -> out.add(a.toString()));
            return out;
        }).orElse(Set.of());
    }

    // ---------------------------------------------------------------- the operator's links

    /**
     * Plugs something of the operator's into an L2 network (the demo's outside world): a veth pair from port
     * {@code <prefix>x<suffix>} of the L2's bridge to {@code ifname} in namespace {@code ns}, both ends up.
     */
    public void plug(PlugCmd cmd) {
        Fabric.L2 l2 = l2Of(cmd.l2());
        pieces().fabric().checkUplinks(List.of(l2));
        pieces().fabric().plug(l2, names().extra(cmd.portSuffix()), cmd.namespace(), cmd.ifname(), null);
    }

    /** Removes a port {@link #plug} made; nothing when it is not there. */
    public void unplug(String portSuffix) {
        if (hasPrefix()) {
            pieces().fabric().unplug(names().extra(portSuffix));
        }
    }

    /**
     * Removes everything of this installation from the host whatever anyone wants: every namespace with its
     * processes, the fabric with every bridge, VLAN interface and veth (physical interfaces go back to the host),
     * every link of the installation left in the host namespace, every /etc/netns directory.
     */
    public void cleanAll() {
        supervisor.unwatchAll();
        if (!hasPrefix()) {
            return;
        }
        pieces().spares().clear();
        pieces().cleanup().removeEverything();
    }

    /** The warm spare router agents waiting on this host now (ready or booting): for tests and tools. */
    List<SpareRouterAgents.Spare> waitingSpares() {
        return hasPrefix() ? pieces().spares().waiting() : List.of();
    }

    // ---------------------------------------------------------------- what tools on this host look at

    /** The namespace of a VM on this host. */
    public String namespaceOf(String vmUuid) {
        return names().namespace(vmUuid);
    }

    /** The bridge of an L2 network on this host. */
    public String bridgeOf(String l2Uuid) {
        return names().bridge(l2Uuid);
    }

    /** The namespace that holds this host's bridges and their ports. */
    public String fabricNamespace() {
        return names().fabric();
    }

    /** The pid of a router's agent process, or -1 when none runs. */
    public long agentPid(String vmUuid) {
        return pieces().agents().pid(vmUuid);
    }

    /** Where the guest's DHCP client recorded its lease on {@code eth<deviceId>}, if it has one. */
    public String leaseOf(String vmUuid, int deviceId) {
        return pieces().dhcp().leaseOf(vmUuid, deviceId);
    }

    /** What the guest's DHCP client printed on {@code eth<deviceId>}, for diagnostics. */
    public String dhcpLog(String vmUuid, int deviceId) {
        return pieces().dhcp().log(vmUuid, deviceId);
    }

    /**
     * Plugs something of the operator's into an L2 network's bridge (the demo's outside world): a veth pair from port
     * {@code port} (a name of this installation, {@link NetnsNames#extra}) to {@code ifname} in namespace {@code ns}.
     */
    public void plugIntoL2(String l2Uuid, String port, String ns, String ifname) {
        pieces().fabric().plug(Fabric.L2.withoutVlan(l2Uuid), port, ns, ifname, null);
    }

    /** Removes a port {@link #plugIntoL2} made; nothing when it is not there. */
    public void unplugPort(String port) {
        pieces().fabric().unplug(port);
    }

    /** The IPv4 GSO/GRO size the links made here get (BIG TCP), 0 when they keep the kernel's 64 KiB. */
    public int bigTcpBytes() {
        return bigTcp.size();
    }

    /** Gives links made outside the agent its link settings: for baselines measured like for like. */
    public void applyLinkSettings(String ns, List<String> ifnames) {
        bigTcp.apply(ns, ifnames);
    }

    @Override
    public void close() {
        closed = true;
        supervisor.close();
        OnHost h = pieces;
        if (h != null) {
            h.spares().close(); // spares are nobody's VMs: they do not outlive the agent
        }
        kernel.rtnetlink().close();
    }

    private Object lockOf(String vmUuid) {
        return vmLocks.computeIfAbsent(vmUuid, k -> new Object());
    }

    // ---------------------------------------------------------------- from a VmTO to what the pieces take

    /** The router's management nic: device 0 (the management L3 is always a router's first nic). */
    static NicTO managementNic(VmTO router) {
        return router.nics().stream().min(Comparator.comparingInt(NicTO::deviceId))
                .orElseThrow(() -> new HostAgentException("appliance VM " + router.name() + " (" + router.uuid() + ") has no nic"));
    }

    private static Ipv4Cidr subnetOf(NicTO nic) {
        return Ipv4Cidr.of(Ipv4.parse(nic.ip()), Ipv4.parse(nic.netmask()));
    }

    static Fabric.L2 l2Of(L2TO l2) {
        if (l2.isVxlan()) {
            return Fabric.L2.withoutVlan(l2.uuid()); // the bridge only: its uplink, the vxlan device, is VxlanFabric's
        }
        String type = l2.type() != null ? l2.type() : (l2.vlan() != null ? L2TO.VLAN : L2TO.NO_VLAN);
        return new Fabric.L2(l2.uuid(), type, l2.physicalInterface(), l2.vlan());
    }

    /**
     * The VM's nics on their L2s; an appliance's with the addresses the management node allocated and the default
     * route of its default L3 (a user VM's come from DHCP).
     */
    private static VmNamespaces.VmNetwork network(VmTO vm) {
        List<VmNamespaces.Nic> nics = vm.nics().stream().map(nic -> {
            boolean configured = vm.appliance() && nic.ip() != null && nic.netmask() != null;
            String address = configured ? nic.ip() + "/" + subnetOf(nic).prefixLength() : null;
            String gateway = configured && nic.defaultRoute() && nic.gateway() != null && !nic.gateway().equals(nic.ip())
                    ? nic.gateway() : null;
            return new VmNamespaces.Nic(nic.uuid(), nic.deviceId(), nic.mac(), l2Of(nic.l2()), address, gateway);
        }).toList();
        return new VmNamespaces.VmNetwork(vm.uuid(), vm.name(), nics);
    }

    private static GuestDhcpClients.Guest guest(VmTO vm) {
        return new GuestDhcpClients.Guest(vm.uuid(), vm.name(),
                vm.nics().stream().map(nic -> new GuestDhcpClients.Nic(nic.deviceId(), nic.defaultRoute())).toList());
    }

    private static RouterAgentDeployment.AgentConfig agentConfig(VmTO router) {
        TlsIdentity tls = router.agentTls() == null ? null : TlsIdentity.fromPem(router.agentTls().key(),
                router.agentTls().certificate(), router.agentTls().authority(), "the TLS identity of router " + router.uuid());
        return new RouterAgentDeployment.AgentConfig(router.uuid(), router.name(), managementNic(router).ip(),
                AgentPaths.DEFAULT_PORT, router.agentSecret(), tls, router.managementNodeAddress());
    }

    /** A host that takes the management gateway must not already route the management subnet elsewhere. */
    private void checkManagementSubnet(OnHost h, VmTO router) {
        NicTO mgmt = managementNic(router);
        if (!settings.takesManagementGateway()) {
            return;
        }
        if (mgmt.gateway() == null) {
            throw new HostAgentException("the management L3 network of router " + router.name()
                    + " has no gateway; the netns host takes the gateway address to reach the agent");
        }
        Ipv4Cidr subnet = subnetOf(mgmt);
        h.fabric().routeOverlapping(mgmt.l2().uuid(), subnet).ifPresent(route -> {
            throw new HostAgentException("cannot start router " + router.name() + " (" + router.uuid() + "): its management"
                    + " subnet " + subnet + " overlaps the host's route " + route.destination() + " (dev " + route.device()
                    + "); giving the host an address there would break the host's own connectivity. Use a management L3"
                    + " network on a subnet this host does not route");
        });
    }
}
