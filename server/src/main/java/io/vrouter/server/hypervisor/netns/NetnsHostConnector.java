package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.hostagent.ConnectReply;
import io.vrouter.agent.tls.HostEnrollment;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.host.HostConnector;
import io.vrouter.server.host.Hosts;
import io.vrouter.server.host.NewHost;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Connects a Netns host through its agent ({@code /host/connect}): the agent must answer, accept the secret, and
 * have what VMs need (run as root, iproute2, nftables, dnsmasq, busybox with udhcpc); a refusal names everything
 * missing at once, with the packages that bring it. A host being added is connected through the endpoint its
 * {@code AddNetnsHost} gave ({@link #connecting}); a known host ({@code ReconnectHost}) through its record, and is
 * then reconciled with what the database says runs there.
 */
final class NetnsHostConnector implements HostConnector {
    private final HostAgents agents;
    /** Hosts being added, by management IP: their endpoint until their record exists, then what their agent reported. */
    private final Map<String, HostAgents.Endpoint> adding = new ConcurrentHashMap<>();
    private final Map<String, ConnectReply> reported = new ConcurrentHashMap<>();
    /** The uuid of a known host by management IP, and what to do once it answers (reconcile it). */
    private final Function<String, String> hostByIp;
    private final java.util.function.Consumer<String> reconnected;

    NetnsHostConnector(HostAgents agents, Function<String, String> hostByIp, java.util.function.Consumer<String> reconnected) {
        this.agents = agents;
        this.hostByIp = hostByIp;
        this.reconnected = reconnected;
    }

    @Override
    public String hypervisorType() {
        return NetnsHypervisor.TYPE;
    }

    /** Runs {@code add} with {@code endpoint} as the agent of the host at {@code managementIp}. */
    <T> T connecting(String managementIp, HostAgents.Endpoint endpoint, java.util.function.Supplier<T> add) {
        adding.put(managementIp, endpoint);
        try {
            return add.get();
        } finally {
            adding.remove(managementIp);
            reported.remove(managementIp);
        }
    }

    @Override
    public String connect(NewHost host) {
        HostAgents.Endpoint endpoint = adding.get(host.managementIp());
        if (endpoint != null) {
            reported.put(host.managementIp(), check(host.name(), () -> agents.client(endpoint, null).connect()));
            return Hosts.CONNECTED;
        }
        String uuid = hostByIp.apply(host.managementIp());
        agents.forget(uuid);
        // an agent that lost its certificate (its TLS directory removed) or predates TLS is enrolled again
        enroll(host.name(), agents.endpointOf(uuid));
        check(host.name(), () -> agents.of(uuid).connect());
        reconnected.accept(uuid);
        return Hosts.CONNECTED;
    }

    /**
     * CPUs offered per CPU of a host, as ZStack's default CPU over-provisioning: a Netns VM is a namespace and its
     * processes, mostly idle, so reserving a whole core for each would leave a 2-core machine with room for one guest
     * and its router. Memory is offered as it is.
     */
    static final int CPU_OVERPROVISIONING = 10;

    /**
     * A capacity left at 0 by {@code AddNetnsHost} is what the host's agent reported: its CPUs (times
     * {@link #CPU_OVERPROVISIONING}) and memory.
     */
    @Override
    public NewHost withReportedCapacity(NewHost host) {
        ConnectReply reply = reported.get(host.managementIp());
        if (reply == null) {
            return host;
        }
        return new NewHost(host.name(), host.description(), host.managementIp(), host.clusterUuid(), host.hypervisorType(),
                host.cpuCapacity() > 0 ? host.cpuCapacity() : (long) reply.cpuNum() * CPU_OVERPROVISIONING,
                host.memoryCapacity() > 0 ? host.memoryCapacity() : reply.memoryBytes());
    }

    /**
     * Enrolls the agent at {@code endpoint} when it has no certificate yet ({@link HostAgents#ensureEnrolled}); an
     * API error saying why it cannot be.
     */
    void enroll(String name, HostAgents.Endpoint endpoint) {
        try {
            agents.ensureEnrolled(endpoint);
        } catch (AgentException e) {
            throw refusal(name, e);
        } catch (HostEnrollment.Refused e) {
            throw ApiException.operationFailed("the host agent of Netns host " + name + " at " + endpoint.url()
                    + " failed its enrollment: " + e.getMessage());
        }
    }

    /** Connects and returns the agent's answer; an API error saying why the host cannot be used. */
    static ConnectReply check(String name, java.util.function.Supplier<ConnectReply> connect) {
        ConnectReply reply;
        try {
            reply = connect.get();
        } catch (AgentException e) {
            throw refusal(name, e);
        }
        if (reply.problems() != null) {
            throw ApiException.operationFailed("Netns host " + name + " cannot run VMs: " + reply.problems());
        }
        return reply;
    }

    private static ApiException refusal(String name, AgentException e) {
        if (e.isUnauthorized()) {
            return ApiException.invalidArgument("the host agent of Netns host " + name + " at " + e.agentUrl()
                    + " refused the secret (HTTP 401): give the content of its --secret-file as agentSecret");
        }
        return ApiException.operationFailed("cannot reach the host agent of Netns host " + name + " at " + e.agentUrl() + ": "
                + e.getMessage());
    }
}
