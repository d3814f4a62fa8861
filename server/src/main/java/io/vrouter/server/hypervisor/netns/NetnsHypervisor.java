package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.server.hypervisor.Hypervisor;
import io.vrouter.server.hypervisor.HypervisorException;
import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * VMs as network namespaces on Linux hosts (type {@code Netns}): the {@link Hypervisor} SPI over the pieces that
 * act on a host, each given the host ({@link NetnsHost}) it acts on:
 * <ul>
 *   <li>{@link Fabric}: the L2 networks, bridges with their VLAN sub-interfaces, veth ports and management ports,
 *       in the installation's fabric namespace (with {@link BigTcp} on every link it makes);</li>
 *   <li>{@link VmNamespaces}: a VM's namespace, its nics plugged into the fabric, an appliance's addresses;</li>
 *   <li>{@link GuestDhcpClients}: busybox udhcpc per nic of a user VM;</li>
 *   <li>{@link RouterAgentDeployment}: the agent jar, config and process of a router;</li>
 *   <li>{@link ProcessSupervisor}: detached processes restarted when they die;</li>
 *   <li>{@link HostCleanup}: what no running VM wants, and everything of the installation.</li>
 * </ul>
 * This class turns a {@link VmSpec} into the plain values those pieces take, checks what the host must not
 * already have (a route over a router's management subnet) and serialises operations per VM. Today its one host
 * is the machine the management node runs on ({@link NetnsHost#LOCAL}); a host agent composes the same pieces for
 * the host it runs on.
 *
 * <p>A user VM runs a DHCP client per nic. An appliance VM gets its nic addresses from its spec, as ZStack's
 * appliance bootstrap does, and runs the agent jar listening on its management nic (device 0: the management L3
 * comes first in a router's nics); the host takes the management L3's gateway address on that L2 (through the
 * fabric's management port) so the management node reaches the agent, unless the host already routes that subnet.
 */
public final class NetnsHypervisor implements Hypervisor, AutoCloseable {
    public static final String TYPE = "Netns";
    private static final Logger LOG = LoggerFactory.getLogger(NetnsHypervisor.class);

    private final NetnsSettings settings;
    private final LinuxHost kernel = new LinuxHost();
    private final BigTcp bigTcp = BigTcp.fromEnvironment();
    private final Map<String, Object> vmLocks = new ConcurrentHashMap<>();
    private final ProcessSupervisor supervisor = new ProcessSupervisor(this::lockOf);
    /** The pieces for this machine, made on first use (choosing the prefix writes it to the work dir). */
    private volatile OnHost local;

    private final RouterAgentCredentials credentials;

    public NetnsHypervisor(NetnsSettings settings) {
        this(settings, null);
    }

    /** @param authority the installation's certificate authority: it issues each router's agent certificate */
    public NetnsHypervisor(NetnsSettings settings, io.vrouter.agent.tls.CertificateAuthority authority) {
        this.settings = settings;
        this.credentials = new RouterAgentCredentials(authority);
    }

    /** The pieces of the backend for one host, composed. */
    private record OnHost(NetnsHost host, Fabric fabric, VmNamespaces namespaces, GuestDhcpClients dhcp,
                          RouterAgentDeployment agents, HostCleanup cleanup) {
        static OnHost of(NetnsHost host, BigTcp bigTcp, NetnsSettings settings, ProcessSupervisor supervisor) {
            Fabric fabric = new Fabric(host, bigTcp);
            VmNamespaces namespaces = new VmNamespaces(host, fabric);
            return new OnHost(host, fabric, namespaces, new GuestDhcpClients(host, supervisor),
                    new RouterAgentDeployment(host, settings.agentJar(), settings.agentRestartDelay(), supervisor),
                    new HostCleanup(host, fabric, namespaces));
        }
    }

    private OnHost local() {
        OnHost h = local;
        if (h == null) {
            synchronized (this) {
                if (local == null) {
                    local = OnHost.of(NetnsHost.open(NetnsHost.LOCAL, settings.workDir(), settings.prefix(), kernel), bigTcp,
                            settings, supervisor);
                }
                h = local;
            }
        }
        return h;
    }

    /** Whether this installation may already have something on this machine (a prefix was chosen before). */
    private boolean hasPrefix() {
        return local != null || NetnsHost.hasPrefix(settings.workDir(), settings.prefix());
    }

    @Override
    public String type() {
        return TYPE;
    }

    public NetnsSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- names and the operator's links

    /** This installation's names; the prefix is chosen (free on this host) and saved on first use. */
    public NetnsNames names() {
        return local().host().names();
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
        return local().fabric().namespace();
    }

    /**
     * Plugs something of the operator's into an L2 network (the demo's outside world): a veth pair from port
     * {@code port} (a name of this installation, see {@link NetnsNames#extra}) of the L2's bridge to {@code ifname}
     * in namespace {@code ns}, both ends up. {@link #unplug} or removing {@code ns} takes it away.
     */
    public void plugIntoL2(String l2Uuid, String port, String ns, String ifname) {
        local().fabric().plug(Fabric.L2.withoutVlan(l2Uuid), port, ns, ifname, null);
    }

    /** Removes a port {@link #plugIntoL2} made; nothing when it is not there. */
    public void unplug(String port) {
        local().fabric().unplug(port);
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

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start(VmSpec vm) {
        synchronized (lockOf(vm.uuid())) {
            OnHost h = local();
            if (vm.isAppliance()) {
                checkManagementSubnet(h, vm); // before anything exists, so a refusal leaves nothing behind
            }
            h.namespaces().ensure(network(vm));
            if (vm.isAppliance()) {
                NicSpec mgmt = managementNic(vm);
                h.fabric().ensureManagementAddress(mgmt.l2NetworkUuid(), mgmt.gateway() + "/" + subnetOf(mgmt).prefixLength());
                h.agents().ensureRunning(agentConfig(vm));
            } else {
                h.dhcp().ensureRunning(guest(vm));
            }
        }
    }

    @Override
    public void stop(VmSpec vm) {
        synchronized (lockOf(vm.uuid())) {
            supervisor.unwatch(vm.uuid());
            local().namespaces().stop(network(vm));
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
            supervisor.unwatch(vm.uuid());
            OnHost h = local();
            h.namespaces().remove(network(vm));
            h.cleanup().removeUnusedBridges();
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
        OnHost h = local();
        Set<String> wanted = new HashSet<>();
        running.forEach(vm -> wanted.add(vm.uuid()));
        h.cleanup().removeAllBut(wanted);
        for (VmSpec vm : running) {
            try {
                start(vm);
            } catch (RuntimeException e) {
                LOG.warn("cannot restore VM {} ({}) on host {}: {}", vm.name(), vm.uuid(), h.host().id(), e.getMessage());
            }
        }
        h.cleanup().removeUnusedBridges();
    }

    /** Installs the shipped agent jar in a router and restarts its agent (Reconnect's upgrade step). */
    public void deployAgent(VmSpec router) {
        synchronized (lockOf(router.uuid())) {
            local().agents().redeploy(agentConfig(router));
        }
    }

    /** The address and port the agent of a router listens on. */
    public String agentUrl(VmSpec router) {
        return "https://" + managementNic(router).ip() + ":" + AgentPaths.DEFAULT_PORT;
    }

    /** The pid of a router's agent process, or -1 when none runs. */
    public long agentPid(String vmUuid) {
        return local().agents().pid(vmUuid);
    }

    /** Where the guest's DHCP client recorded its lease on {@code eth<deviceId>}, if it has one. */
    public String leaseOf(String vmUuid, int deviceId) {
        return local().dhcp().leaseOf(vmUuid, deviceId);
    }

    /** What the guest's DHCP client printed on {@code eth<deviceId>} (which server leased what), for diagnostics. */
    public String dhcpLog(String vmUuid, int deviceId) {
        return local().dhcp().log(vmUuid, deviceId);
    }

    /**
     * Removes everything of this installation from the host whatever the database says: every namespace with its
     * processes, the fabric with every bridge, VLAN interface and veth, every link of the installation left in the
     * host namespace, every /etc/netns directory. For tests and {@code demo --clean}.
     */
    public void cleanAll() {
        supervisor.unwatchAll();
        if (!hasPrefix()) {
            return; // nothing of this installation was ever made
        }
        local().cleanup().removeEverything();
    }

    @Override
    public void close() {
        supervisor.close();
    }

    private Object lockOf(String vmUuid) {
        return vmLocks.computeIfAbsent(vmUuid, k -> new Object());
    }

    // ---------------------------------------------------------------- from a VmSpec to what the pieces take

    /** The router's management nic: device 0 (the management L3 is always a router's first nic). */
    static NicSpec managementNic(VmSpec router) {
        return router.nics().stream().min(Comparator.comparingInt(NicSpec::deviceId))
                .orElseThrow(() -> new HypervisorException("appliance VM " + router.name() + " (" + router.uuid() + ") has no nic"));
    }

    private static Ipv4Cidr subnetOf(NicSpec nic) {
        return Ipv4Cidr.of(Ipv4.parse(nic.ip()), Ipv4.parse(nic.netmask()));
    }

    /**
     * The VM's nics on their L2s; an appliance's with the addresses the management node allocated and the default
     * route of its default L3 (a user VM's come from DHCP).
     */
    private static VmNamespaces.VmNetwork network(VmSpec vm) {
        List<VmNamespaces.Nic> nics = vm.nics().stream().map(nic -> {
            boolean configured = vm.isAppliance() && nic.ip() != null && nic.netmask() != null;
            String address = configured ? nic.ip() + "/" + subnetOf(nic).prefixLength() : null;
            String gateway = configured && nic.defaultRoute() && nic.gateway() != null && !nic.gateway().equals(nic.ip())
                    ? nic.gateway() : null;
            return new VmNamespaces.Nic(nic.uuid(), nic.deviceId(), nic.mac(),
                    new Fabric.L2(nic.l2NetworkUuid(), nic.physicalInterface(), nic.vlan()), address, gateway);
        }).toList();
        return new VmNamespaces.VmNetwork(vm.uuid(), vm.name(), nics);
    }

    private static GuestDhcpClients.Guest guest(VmSpec vm) {
        return new GuestDhcpClients.Guest(vm.uuid(), vm.name(),
                vm.nics().stream().map(nic -> new GuestDhcpClients.Nic(nic.deviceId(), nic.defaultRoute())).toList());
    }

    private RouterAgentDeployment.AgentConfig agentConfig(VmSpec router) {
        NicSpec management = managementNic(router);
        return new RouterAgentDeployment.AgentConfig(router.uuid(), router.name(), management.ip(),
                AgentPaths.DEFAULT_PORT, router.bootParams().get("agentSecret"), credentials.issue(router, management),
                management.gateway());
    }

    /** The host must not already route the management subnet through anything but our management port. */
    private static void checkManagementSubnet(OnHost h, VmSpec router) {
        NicSpec mgmt = managementNic(router);
        if (mgmt.gateway() == null) {
            throw new HypervisorException("the management L3 network " + mgmt.l3NetworkUuid() + " of router " + router.name()
                    + " has no gateway; the netns host takes the gateway address to reach the agent");
        }
        Ipv4Cidr subnet = subnetOf(mgmt);
        h.fabric().routeOverlapping(mgmt.l2NetworkUuid(), subnet).ifPresent(route -> {
            throw new HypervisorException("cannot start router " + router.name() + " (" + router.uuid() + "): its management"
                    + " subnet " + subnet + " overlaps the host's route " + route.destination() + " (dev " + route.device()
                    + "); giving the host an address there would break the host's own connectivity. Use a management L3"
                    + " network on a subnet this host does not route");
        });
    }
}
