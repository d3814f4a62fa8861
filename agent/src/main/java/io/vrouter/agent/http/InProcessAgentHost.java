package io.vrouter.agent.http;

import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentIdentity;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.ha.RecordingHa;
import io.vrouter.agent.protocol.InProcessAgents;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real {@link Agent} with a {@link RecordingDataplane} per router, mounted in one in-process {@link AgentHost}
 * under {@code /agents/<router uuid>}, so the management node's agent client, command queue and sync are exercised
 * for real on the Simulator. A router's dataplane outlives its agent.
 */
public final class InProcessAgentHost implements InProcessAgents {
    private final AgentHost host = AgentHost.start("127.0.0.1", 0, 32);
    private final Map<String, RecordingDataplane> dataplanes = new ConcurrentHashMap<>();
    private final Map<String, RecordingHa> has = new ConcurrentHashMap<>();

    @Override
    public void start(String vrUuid, String secret, String version, String md5) {
        RecordingDataplane dataplane = dataplanes.computeIfAbsent(vrUuid, k -> new RecordingDataplane(256));
        RecordingHa ha = has.computeIfAbsent(vrUuid, k -> new RecordingHa());
        host.mount(vrUuid, new Agent(vrUuid, secret, dataplane, new AgentIdentity(version, md5), ha));
    }

    @Override
    public void stop(String vrUuid) {
        host.unmount(vrUuid);
    }

    @Override
    public String url(String vrUuid) {
        return host.baseUrl(vrUuid);
    }

    /** The router's dataplane: what its agent applied (for tests and scale runs). */
    public Optional<RecordingDataplane> dataplane(String vrUuid) {
        return Optional.ofNullable(dataplanes.get(vrUuid));
    }

    /** The router's HA part: its configuration, and the VRRP state a test makes it report. */
    public Optional<RecordingHa> ha(String vrUuid) {
        return Optional.ofNullable(has.get(vrUuid));
    }

    @Override
    public void close() {
        host.close();
    }
}
