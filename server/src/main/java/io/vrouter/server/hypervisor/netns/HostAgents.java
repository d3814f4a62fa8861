package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.hostagent.NodeHostAgent;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.Hosts;
import org.jooq.DSLContext;
import org.jooq.Record;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.vrouter.server.hypervisor.netns.NetnsHostTables.AGENT_PORT;
import static io.vrouter.server.hypervisor.netns.NetnsHostTables.AGENT_SECRET;
import static io.vrouter.server.hypervisor.netns.NetnsHostTables.HOST_UUID;
import static io.vrouter.server.hypervisor.netns.NetnsHostTables.NETNS_HOST_AGENT;

/**
 * Where each Netns host's agent is and how to reach it: its port on the host's management IP and its secret (table
 * {@code netns_host_agent}), or the agent the node runs for its own machine ({@link NodeHostAgent}, started on first
 * use). One {@link HostAgentClient} per host over one shared {@link HttpClient}.
 */
public final class HostAgents {
    /** How an agent is reached: its URL and secret; {@code nodeOwn}: the node's own machine's agent. */
    record Endpoint(String url, String secret, boolean nodeOwn) {
    }

    private final DSLContext dsl;
    private final Hosts hosts;
    private final NodeHostAgent nodeHostAgent;
    private final Path dataDir;
    private final HttpClient http = AgentClient.newHttpClient(Duration.ofSeconds(5));
    private final Map<String, HostAgentClient> clients = new ConcurrentHashMap<>();

    HostAgents(DSLContext dsl, Hosts hosts, NodeHostAgent nodeHostAgent, Path dataDir) {
        this.dsl = dsl;
        this.hosts = hosts;
        this.nodeHostAgent = nodeHostAgent;
        this.dataDir = dataDir;
    }

    /** The client of a host's agent; OPERATION_FAILED naming the host when the node does not know how to reach it. */
    public HostAgentClient of(String hostUuid) {
        return clients.computeIfAbsent(hostUuid, uuid -> {
            HostRecord host = hosts.find(uuid).orElseThrow(() -> ApiException.notFound(Hosts.RESOURCE_TYPE, uuid));
            Record row = dsl.select(AGENT_PORT, AGENT_SECRET).from(NETNS_HOST_AGENT).where(HOST_UUID.eq(uuid)).fetchOne();
            if (row == null) {
                throw ApiException.operationFailed("Netns host " + host.name() + " (" + uuid + ") has no host agent recorded; add it"
                        + " again with AddNetnsHost");
            }
            Endpoint endpoint = row.get(AGENT_PORT) == null ? nodeOwn()
                    : new Endpoint("http://" + host.managementIp() + ":" + row.get(AGENT_PORT), row.get(AGENT_SECRET), false);
            return client(endpoint, uuid);
        });
    }

    /** The endpoint of the node's own machine's agent (started now if needed), or null when the node runs none. */
    Endpoint nodeOwn() {
        NodeHostAgent.Endpoint e = nodeHostAgent.start(dataDir);
        return e == null ? null : new Endpoint(e.url(), e.secret(), true);
    }

    /** A client for an agent not recorded yet (a host being added); {@code hostUuid} may be null. */
    HostAgentClient client(Endpoint endpoint, String hostUuid) {
        return new HostAgentClient(http, endpoint.url(), endpoint.secret(), hostUuid);
    }

    /** Records how a new host's agent is reached. */
    void record(String hostUuid, Endpoint endpoint) {
        dsl.insertInto(NETNS_HOST_AGENT).columns(HOST_UUID, AGENT_PORT, AGENT_SECRET)
                .values(hostUuid, endpoint.nodeOwn() ? null : Integer.valueOf(java.net.URI.create(endpoint.url()).getPort()),
                        endpoint.nodeOwn() ? null : endpoint.secret())
                .execute();
        clients.remove(hostUuid);
    }

    /** Forgets the cached client (a reconnect reads the record again). */
    void forget(String hostUuid) {
        clients.remove(hostUuid);
    }
}
