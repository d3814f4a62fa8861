package io.vrouter.agent.http;

import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentIdentity;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.ha.RecordingHa;
import io.vrouter.agent.protocol.InProcessAgents;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;

import javax.net.ssl.SSLContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real {@link Agent} with a {@link RecordingDataplane} per router, mounted in one in-process {@link AgentHost}
 * under {@code /agents/<router uuid>}, so the management node's agent client, command queue and sync are exercised
 * for real on the Simulator. A router's dataplane outlives its agent.
 */
public final class InProcessAgentHost implements InProcessAgents {
    private final Map<String, RecordingDataplane> dataplanes = new ConcurrentHashMap<>();
    private final Map<String, RecordingHa> has = new ConcurrentHashMap<>();
    private final Map<String, AgentHost> hostOf = new ConcurrentHashMap<>();
    private SSLContext tls;
    private AgentHost host;
    /** Serves the agents started with a foreign certificate; started on first use, a node start does not pay for it. */
    private AgentHost foreignHost;

    @Override
    public synchronized void useTls(SSLContext agentContext) {
        if (host != null) {
            throw new IllegalStateException("TLS is chosen before the first agent starts");
        }
        this.tls = agentContext;
    }

    @Override
    public void start(String vrUuid, String secret, String version, String md5) {
        mountOn(host(), vrUuid, secret, version, md5);
    }

    @Override
    public void startWithForeignCertificate(String vrUuid, String secret, String version, String md5) {
        mountOn(foreignHost(), vrUuid, secret, version, md5);
    }

    private void mountOn(AgentHost target, String vrUuid, String secret, String version, String md5) {
        AgentHost previous = hostOf.put(vrUuid, target);
        if (previous != null && previous != target) {
            previous.unmount(vrUuid);
        }
        RecordingDataplane dataplane = dataplanes.computeIfAbsent(vrUuid, k -> new RecordingDataplane(256));
        RecordingHa ha = has.computeIfAbsent(vrUuid, k -> new RecordingHa());
        target.mount(vrUuid, new Agent(vrUuid, secret, dataplane, new AgentIdentity(version, md5), ha));
    }

    @Override
    public void stop(String vrUuid) {
        AgentHost current = hostOf.get(vrUuid);
        if (current != null) {
            current.unmount(vrUuid);
        }
    }

    @Override
    public String url(String vrUuid) {
        AgentHost current = hostOf.get(vrUuid);
        return (current != null ? current : host()).baseUrl(vrUuid);
    }

    /** The router's dataplane: what its agent applied (for tests and scale runs). */
    public Optional<RecordingDataplane> dataplane(String vrUuid) {
        return Optional.ofNullable(dataplanes.get(vrUuid));
    }

    /** The router's HA part: its configuration, and the VRRP state a test makes it report. */
    public Optional<RecordingHa> ha(String vrUuid) {
        return Optional.ofNullable(has.get(vrUuid));
    }

    private synchronized AgentHost host() {
        if (host == null) {
            host = tls == null ? AgentHost.start("127.0.0.1", 0, 32) : AgentHost.start("127.0.0.1", 0, 32, tls);
        }
        return host;
    }

    private synchronized AgentHost foreignHost() {
        if (foreignHost == null) {
            CertificateAuthority elsewhere = CertificateAuthority.create("another installation");
            foreignHost = AgentHost.start("127.0.0.1", 0, 8,
                    AgentTls.agentContext(elsewhere.issue(PeerRole.AGENT, "foreign agents", List.of("127.0.0.1"))));
        }
        return foreignHost;
    }

    @Override
    public synchronized void close() {
        if (host != null) {
            host.close();
        }
        if (foreignHost != null) {
            foreignHost.close();
        }
    }
}
