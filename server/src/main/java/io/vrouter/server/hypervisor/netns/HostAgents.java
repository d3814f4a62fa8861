package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.hostagent.NodeHostAgent;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.Hosts;
import org.jooq.DSLContext;
import org.jooq.Record;

import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.hostagent.EnrollBeginCmd;
import io.vrouter.agent.protocol.hostagent.EnrollBeginReply;
import io.vrouter.agent.protocol.hostagent.EnrollFinishCmd;
import io.vrouter.agent.protocol.hostagent.HostAgentPaths;
import io.vrouter.agent.protocol.hostagent.HostAgentReply;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.server.agentcert.AgentCertificates;
import io.vrouter.agent.tls.HostEnrollment;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import static io.vrouter.server.hypervisor.netns.NetnsHostTables.AGENT_PORT;
import static io.vrouter.server.hypervisor.netns.NetnsHostTables.AGENT_SECRET;
import static io.vrouter.server.hypervisor.netns.NetnsHostTables.HOST_UUID;
import static io.vrouter.server.hypervisor.netns.NetnsHostTables.NETNS_HOST_AGENT;

/**
 * Where each Netns host's agent is and how to reach it: its port on the host's management IP and its secret (table
 * {@code netns_host_agent}), or the agent the node runs for its own machine ({@link NodeHostAgent}, started on first
 * use). One {@link HostAgentClient} per host over one shared {@link HttpClient}, over mutual TLS: the node presents
 * a management node certificate of the installation's authority and accepts only host agent certificates of it
 * naming the address called. A host agent without a certificate yet is enrolled first ({@link #ensureEnrolled},
 * {@link HostEnrollment}); the node's own agent gets one issued in-process.
 */
public final class HostAgents {
    /** How an agent is reached: its URL and secret; {@code nodeOwn}: the node's own machine's agent. */
    record Endpoint(String url, String secret, boolean nodeOwn) {
    }

    private final DSLContext dsl;
    private final Hosts hosts;
    private final NodeHostAgent nodeHostAgent;
    private final Path dataDir;
    private final CertificateAuthority authority;
    private final AgentCertificates certificates;
    private final HttpClient http;
    /** Plain HTTP, for the two enrollment calls only: they carry no secret and nothing an eavesdropper may use. */
    private final HttpClient enrollmentHttp = AgentClient.newHttpClient(Duration.ofSeconds(5));
    private final Map<String, HostAgentClient> clients = new ConcurrentHashMap<>();
    private TlsIdentity ownAgentIdentity;

    HostAgents(DSLContext dsl, Hosts hosts, NodeHostAgent nodeHostAgent, Path dataDir, AgentCertificates certificates) {
        this.dsl = dsl;
        this.hosts = hosts;
        this.nodeHostAgent = nodeHostAgent;
        this.dataDir = dataDir;
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.authority = certificates.authority();
        // a deleted host's certificate is refused at the handshake (AgentCertificates)
        this.http = AgentClient.newHttpClient(Duration.ofSeconds(5), certificates.guard(AgentTls.nodeContextForHostAgents(
                authority.issue(PeerRole.MANAGEMENT_NODE, "management node", List.of()), certificates)));
    }

    /** The client of a host's agent; OPERATION_FAILED naming the host when the node does not know how to reach it. */
    public HostAgentClient of(String hostUuid) {
        return clients.computeIfAbsent(hostUuid, uuid -> client(endpointOf(uuid), uuid));
    }

    /** How a known host's agent is reached, from its record. */
    Endpoint endpointOf(String uuid) {
        HostRecord host = hosts.find(uuid).orElseThrow(() -> ApiException.notFound(Hosts.RESOURCE_TYPE, uuid));
        Record row = dsl.select(AGENT_PORT, AGENT_SECRET).from(NETNS_HOST_AGENT).where(HOST_UUID.eq(uuid)).fetchOne();
        if (row == null) {
            // a host added before hosts had agents: the node's own machine, served by the node's agent
            Endpoint own = NetnsPlugin.isThisMachine(host.managementIp()) ? nodeOwn() : null;
            if (own == null) {
                throw ApiException.operationFailed("Netns host " + host.name() + " (" + uuid + ") has no host agent recorded;"
                        + " delete it and add it again with AddNetnsHost agentSecret=...");
            }
            return own;
        }
        return row.get(AGENT_PORT) == null ? nodeOwn() : remote(host.managementIp(), row.get(AGENT_PORT), row.get(AGENT_SECRET));
    }

    /** The agent at {@code ip:port} with {@code secret}, over TLS. */
    static Endpoint remote(String ip, int port, String secret) {
        return new Endpoint("https://" + ip + ":" + port, secret, false);
    }

    /** The endpoint of the node's own machine's agent (started now if needed), or null when the node runs none. */
    Endpoint nodeOwn() {
        NodeHostAgent.Endpoint e = nodeHostAgent.start(dataDir, ownAgentIdentity());
        return e == null ? null : new Endpoint(e.url(), e.secret(), true);
    }

    /** The certificate of the node's own agent: in-process, nothing to enroll; it names the loopback address it serves on. */
    private synchronized TlsIdentity ownAgentIdentity() {
        if (ownAgentIdentity == null) {
            ownAgentIdentity = authority.issue(PeerRole.HOST_AGENT, "host agent of the management node", List.of("127.0.0.1"));
        }
        return ownAgentIdentity;
    }

    /**
     * Makes sure the agent at {@code endpoint} serves mutual TLS with a certificate of this installation: an agent
     * that does not speak TLS yet (never enrolled, or from before host agents had TLS) is enrolled now with the
     * endpoint's secret ({@link HostEnrollment}), then awaited over TLS. Anything else (unreachable, a wrong secret
     * over TLS) is left to the connect that follows, which says why.
     *
     * @throws AgentException        the enrollment was refused (401: not the host's secret) or failed
     * @throws HostEnrollment.Refused the agent could not prove it holds the secret or its key
     * @throws ApiException          the agent speaks TLS with a certificate of another authority
     */
    void ensureEnrolled(Endpoint endpoint) {
        if (endpoint.nodeOwn()) {
            return;
        }
        try {
            client(endpoint, null).ping();
            refuseRevoked(endpoint);
            return;
        } catch (AgentException e) {
            if (!e.isTlsRefused()) {
                if (e.httpStatus() != 0) {
                    refuseRevoked(endpoint); // it answered over TLS, if only to refuse the ping
                }
                return;
            }
            if (String.valueOf(e.getMessage()).contains(AgentTls.REVOKED)) {
                // refused by the node, for a certificate of a deleted host: enrolling would not start on a TLS port
                throw ApiException.operationFailed("the host agent at " + endpoint.url() + " presents a revoked certificate: "
                        + e.getMessage());
            }
        }
        URI uri = URI.create(endpoint.url());
        // no secret in any header of the enrollment: the exchange proves it with HMACs instead
        AgentClient plain = new AgentClient(enrollmentHttp, "http://" + uri.getHost() + ":" + uri.getPort(), "none",
                Duration.ofSeconds(15));
        EnrollBeginCmd begin = HostEnrollment.begin(endpoint.secret());
        EnrollBeginReply reply;
        try {
            reply = plain.call(HostAgentPaths.ENROLL_BEGIN, begin, EnrollBeginReply.class);
        } catch (AgentException e) {
            if (e.isUnauthorized()) {
                throw e;
            }
            throw ApiException.operationFailed("the host agent at " + endpoint.url() + " refuses the TLS handshake and takes no"
                    + " enrollment either (" + e.getMessage() + "): it holds a certificate of another installation's authority,"
                    + " or is no host agent. If it is this installation's host, remove its TLS directory (<data-dir>/tls) and"
                    + " restart it");
        }
        EnrollFinishCmd finish = HostEnrollment.certify(authority, endpoint.secret(), begin, reply, uri.getHost());
        certificates.record(AgentCertificates.hostHolder(uri.getHost()), PeerRole.HOST_AGENT, certificateOf(finish));
        try {
            plain.call(HostAgentPaths.ENROLL_FINISH, finish, HostAgentReply.class);
        } catch (AgentException e) {
            if (e.httpStatus() != 0) {
                throw e;
            }
            // the reply may be lost as the agent switches to TLS: whether it took the certificate shows below
        }
        awaitTls(endpoint);
    }

    /**
     * The handshake refuses a revoked certificate, but a connection the node kept open from before the revocation
     * (a host deleted and added again at once) makes none: so the certificate of the connection is checked here too.
     */
    private void refuseRevoked(Endpoint endpoint) {
        AgentClient agent = new AgentClient(http, endpoint.url(), endpoint.secret(), Duration.ofSeconds(15));
        agent.peerCertificate().filter(certificates::isRevoked).ifPresent(certificate -> {
            throw ApiException.operationFailed("the host agent at " + endpoint.url() + " presents a revoked certificate ("
                    + certificate.getSubjectX500Principal().getName() + ", serial " + certificate.getSerialNumber().toString(16)
                    + "): its host was removed from this installation (a host added again must be enrolled anew: remove"
                    + " its agent's TLS directory and restart it)");
        });
    }

    private static java.security.cert.X509Certificate certificateOf(EnrollFinishCmd finish) {
        try {
            return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(finish.certificate().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException("the authority's own certificate does not parse", e);
        }
    }

    /** The agent restarts its listener with its new certificate: wait for it to answer over TLS. */
    private void awaitTls(Endpoint endpoint) {
        long deadline = System.nanoTime() + ENROLLED_WITHIN.toNanos();
        while (true) {
            try {
                client(endpoint, null).ping();
                return;
            } catch (AgentException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.operationFailed("interrupted while waiting for the host agent at " + endpoint.url());
            }
        }
    }

    private static final Duration ENROLLED_WITHIN = Duration.ofSeconds(15);

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
