package io.vrouter.server.hypervisor.netns;

import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.host.Hosts;
import io.vrouter.server.host.NewHost;
import io.vrouter.server.hypervisor.Hypervisors;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.vrouter.AgentPackage;
import io.vrouter.server.vrouter.VirtualRouters;

import java.nio.file.Files;

/**
 * The netns backend as one piece for the composition root: the hypervisor, its host connector and
 * {@code AddNetnsHost}, and the way to reach its routers' agents.
 */
public final class NetnsPlugin implements AutoCloseable {
    private final NetnsHypervisor hypervisor;
    private final NetnsHostConnector connector = new NetnsHostConnector();

    public NetnsPlugin(NetnsSettings settings, Hypervisors hypervisors, Hosts hosts, VirtualRouters routers,
                       io.vrouter.agent.tls.CertificateAuthority authority) {
        this.hypervisor = new NetnsHypervisor(settings, authority);
        hypervisors.register(hypervisor);
        hosts.registerConnector(connector);
        routers.registerAgents(NetnsHypervisor.TYPE, new NetnsRouterAgents(hypervisor));
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

    public void registerApis(ApiCatalogue catalogue, Hosts hosts, QueryApis queries) {
        catalogue.register(ApiDefinition.of("AddNetnsHost",
                "Add this machine as a Netns host (VMs as network namespaces; needs root, iproute2, nftables, dnsmasq, busybox)",
                call -> {
                    String ip = call.string("managementIp");
                    checkLocal(ip);
                    String uuid = hosts.add(new NewHost(call.string("name"), call.optString("description").orElse(null), ip,
                            call.string("clusterUuid"), NetnsHypervisor.TYPE, call.longValue("cpuCapacity"),
                            call.longValue("memoryCapacity")));
                    return Replies.inventory(queries.inventory("Host", uuid));
                },
                ApiParam.required("name", ParamType.STRING, "the host's name").withRange(1, 255),
                ApiParam.required("managementIp", ParamType.HOST_ADDRESS, "an address of this machine (the management node runs on it)").withRange(1, 64),
                ApiParam.required("clusterUuid", ParamType.UUID, "a Netns cluster"),
                ApiParam.optional("cpuCapacity", ParamType.LONG, "CPUs offered to VMs").withRange(1, 1_000_000)
                        .withDefault(Hosts.DEFAULT_CPU_CAPACITY),
                ApiParam.optional("memoryCapacity", ParamType.LONG, "bytes of memory offered to VMs")
                        .withRange(1, Long.MAX_VALUE).withDefault(Hosts.DEFAULT_MEMORY_CAPACITY),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
    }

    /** A Netns host is the management node's own machine: its address must be one of this machine's. */
    private void checkLocal(String ip) {
        if (!io.vrouter.platform.net.Ipv4.isValid(ip)) {
            throw ApiException.invalidArgument("managementIp '" + ip + "' is not an IPv4 address");
        }
        if (ip.startsWith("127.")) {
            return;
        }
        if (NetnsHostConnector.onPath("ip") && !new LinuxHost().addresses().contains(ip)) {
            throw ApiException.invalidArgument("managementIp " + ip + " is not an address of this machine; a Netns host is the"
                    + " machine the management node runs on (use 127.0.0.1 or one of its addresses)");
        }
    }

    @Override
    public void close() {
        hypervisor.close();
    }
}
