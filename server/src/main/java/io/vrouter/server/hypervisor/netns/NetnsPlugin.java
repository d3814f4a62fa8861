package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.hostagent.HostAgentPaths;
import io.vrouter.agent.protocol.hostagent.NodeHostAgent;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.Hosts;
import io.vrouter.server.host.NewHost;
import io.vrouter.server.hypervisor.Hypervisors;
import io.vrouter.server.l2.L2NetworkRecord;
import io.vrouter.server.l2.L2Networks;
import io.vrouter.server.l2.VxlanNetworks;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.vm.VmInstances;
import io.vrouter.server.vrouter.AgentPackage;
import io.vrouter.server.vrouter.VirtualRouters;
import org.jooq.DSLContext;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.util.Collections;
import java.util.List;

/**
 * The netns backend as one piece for the composition root: the hypervisor (a client of each host's agent), the
 * host connector, {@code AddNetnsHost}, its hosts' liveness (for the host failure detector, which watches them), and
 * the way to reach its routers' agents.
 */
public final class NetnsPlugin implements AutoCloseable {
    private final HostAgents agents;
    private final NetnsHypervisor hypervisor;
    private final NetnsHostConnector connector;
    private final NetnsHostLiveness liveness;
    private final NodeHostAgent nodeHostAgent;
    private final Hosts hosts;
    private final L2Networks l2Networks;
    private final NetnsVxlan vxlan;

    public NetnsPlugin(NetnsSettings settings, DSLContext dsl, Hypervisors hypervisors, Hosts hosts, L2Networks l2Networks,
                       VmInstances vms, GlobalConfigs configs, VirtualRouters routers, NodeHostAgent nodeHostAgent,
                       io.vrouter.server.agentcert.AgentCertificates certificates) {
        this.nodeHostAgent = nodeHostAgent;
        this.hosts = hosts;
        this.l2Networks = l2Networks;
        this.agents = new HostAgents(dsl, hosts, nodeHostAgent, settings.dataDir(), certificates);
        this.vxlan = new NetnsVxlan(hosts, agents, l2Networks.vxlan());
        l2Networks.vxlan().registerPoolAttachment(vxlan);
        hosts.onDeleted(vxlan::hostDeleted);
        // a deleted host's agent is trusted no more, even at the same address (a new host there enrolls anew)
        hosts.onDeleted(host -> {
            if (NetnsHypervisor.TYPE.equals(host.hypervisorType())) {
                certificates.revoke(io.vrouter.server.agentcert.AgentCertificates.hostHolder(host.managementIp()));
            }
        });
        this.hypervisor = new NetnsHypervisor(agents, hosts, new RouterAgentCredentials(certificates), vxlan);
        this.connector = new NetnsHostConnector(agents, ip -> hosts.ofType(NetnsHypervisor.TYPE).stream()
                .filter(h -> h.managementIp().equals(ip)).map(HostRecord::uuid).findFirst()
                .orElseThrow(() -> ApiException.operationFailed("no Netns host has management IP " + ip)),
                uuid -> hypervisor.reconcileHost(uuid, vms.markKnownOn(uuid)));
        hypervisors.register(hypervisor);
        hosts.registerConnector(connector);
        routers.registerAgents(NetnsHypervisor.TYPE, new NetnsRouterAgents(hypervisor));
        this.liveness = new NetnsHostLiveness(agents, configs, vms, hypervisor);
    }

    /**
     * How the host failure detector watches Netns hosts: a dead host told from one whose agent alone died, a lost
     * agent, an agent that restarted.
     */
    public io.vrouter.server.hostfailure.HostLiveness liveness() {
        return liveness;
    }

    /**
     * The agent package the node ships: the agent jar when there is one (Netns routers run it; Simulator agents
     * report its md5, so both kinds compare alike), else the in-process package (Simulator only).
     */
    public static AgentPackage agentPackage(NetnsSettings settings, String version) {
        return settings.agentJar() != null && Files.isRegularFile(settings.agentJar())
                ? AgentPackage.ofJar(version, settings.agentJar())
                : AgentPackage.inProcess(version);
    }

    public NetnsHypervisor hypervisor() {
        return hypervisor;
    }

    /** The client of a Netns host's agent (the demo and the tests ask hosts what they made). */
    public HostAgentClient agentOf(String hostUuid) {
        return agents.of(hostUuid);
    }

    public void registerApis(ApiCatalogue catalogue, QueryApis queries) {
        catalogue.register(ApiDefinition.of("AddNetnsHost",
                "Add a Netns host (VMs as network namespaces): the node connects to the host agent at managementIp:agentPort with"
                        + " agentSecret, over mutual TLS (an agent without a certificate is enrolled first, the secret its proof);"
                        + " without agentSecret, an address of the node's own machine is served by the agent the node runs",
                call -> {
                    String ip = call.string("managementIp");
                    if (!Ipv4.isValid(ip)) {
                        throw ApiException.invalidArgument("managementIp '" + ip + "' is not an IPv4 address");
                    }
                    HostAgents.Endpoint endpoint = endpoint(ip, call.optInteger("agentPort").orElse(HostAgentPaths.DEFAULT_PORT),
                            call.optString("agentSecret").orElse(null));
                    NewHost host = new NewHost(call.string("name"), call.optString("description").orElse(null), ip,
                            call.string("clusterUuid"), NetnsHypervisor.TYPE, call.optLong("cpuCapacity").orElse(0L),
                            call.optLong("memoryCapacity").orElse(0L));
                    // a host agent without a certificate gets one now, the secret its one-time proof (docs/tls.md)
                    connector.enroll(host.name(), endpoint);
                    checkInterfaces(host, endpoint);
                    checkVteps(host, endpoint);
                    String uuid = connector.connecting(ip, endpoint, () -> hosts.add(host));
                    agents.record(uuid, endpoint);
                    vxlan.refreshHost(uuid);
                    return Replies.inventory(queries.inventory("Host", uuid));
                },
                ApiParam.required("name", ParamType.STRING, "the host's name").withRange(1, 255),
                ApiParam.required("managementIp", ParamType.HOST_ADDRESS, "the address the host agent listens on").withRange(1, 64),
                ApiParam.required("clusterUuid", ParamType.UUID, "a Netns cluster"),
                ApiParam.optional("agentPort", ParamType.INTEGER, "the host agent's port (default " + HostAgentPaths.DEFAULT_PORT + ")")
                        .withRange(1, 65535),
                ApiParam.optional("agentSecret", ParamType.STRING, "the content of the host agent's --secret-file; none for the"
                        + " node's own machine").withRange(16, 256),
                ApiParam.optional("cpuCapacity", ParamType.LONG, "CPUs offered to VMs (default: the host's)").withRange(1, 1_000_000),
                ApiParam.optional("memoryCapacity", ParamType.LONG, "bytes of memory offered to VMs (default: the host's)")
                        .withRange(1, Long.MAX_VALUE),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
    }

    /** How to reach the new host's agent: the one at {@code ip:port} with {@code secret}, or the node's own. */
    private HostAgents.Endpoint endpoint(String ip, int port, String secret) {
        if (secret != null) {
            return HostAgents.remote(ip, port, secret);
        }
        if (isThisMachine(ip)) {
            HostAgents.Endpoint own = agents.nodeOwn();
            if (own != null) {
                return own;
            }
        }
        throw ApiException.invalidArgument("agentSecret is required for host " + ip + ": give the content of the --secret-file its"
                + " host agent runs with (only an address of the node's own machine is served by the node's agent without one)");
    }

    /**
     * The L2s attached to the host's cluster need their physical interfaces on the host: a host without one is
     * refused before anything is written, naming the interfaces.
     */
    private void checkInterfaces(NewHost host, HostAgents.Endpoint endpoint) {
        // a VXLAN pool and its networks go over the host's VTEP address, not over an interface by name (checkVteps)
        List<L2NetworkRecord> l2s = l2Networks.attachedTo(host.clusterUuid()).stream()
                .filter(l2 -> !VxlanNetworks.POOL.equals(l2.type()) && !VxlanNetworks.NETWORK.equals(l2.type())).toList();
        List<String> interfaces = l2s.stream().map(L2NetworkRecord::physicalInterface).filter(i -> i != null).distinct().toList();
        if (interfaces.isEmpty() || endpoint.nodeOwn()) {
            return; // the node's own machine makes a bridge alone where it lacks an interface
        }
        List<String> missing;
        try {
            missing = agents.client(endpoint, null).missingInterfaces(interfaces);
        } catch (AgentException e) {
            return; // the connect that follows says why the agent cannot be used
        }
        if (!missing.isEmpty()) {
            throw ApiException.invalidArgument("host " + host.name() + " (" + host.managementIp() + ") has no physical interface "
                    + String.join(", ", missing) + ", which L2 network(s) "
                    + l2s.stream().filter(l2 -> missing.contains(l2.physicalInterface())).map(L2NetworkRecord::name).toList()
                    + " attached to its cluster need");
        }
    }

    /** A host joining a cluster with VXLAN pools needs a VTEP address in each pool's cidr: refused before anything is written. */
    private void checkVteps(NewHost host, HostAgents.Endpoint endpoint) {
        try {
            vxlan.checkNewHost(host.name(), host.managementIp(), agents.client(endpoint, null), host.clusterUuid());
        } catch (AgentException e) {
            // the connect that follows says why the agent cannot be used
        }
    }

    static boolean isThisMachine(String ip) {
        if (ip.startsWith("127.")) {
            return true;
        }
        try {
            InetAddress address = InetAddress.getByName(ip);
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (Collections.list(nic.getInetAddresses()).contains(address)) {
                    return true;
                }
            }
        } catch (SocketException | java.net.UnknownHostException e) {
            return false;
        }
        return false;
    }

    @Override
    public void close() {
        nodeHostAgent.close();
    }
}
