package io.vrouter.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.AgentException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real handshakes between the one agent client and a TLS server configured as an agent's: the management node gets
 * through, nobody else does, and the node talks only to the agent it expects.
 */
class AgentTlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final CertificateAuthority CA = CertificateAuthority.create("test installation");
    private static final CertificateAuthority OTHER_CA = CertificateAuthority.create("another installation");

    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void theManagementNodeReachesAnAgentOfItsAuthority() {
        String url = serve(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1")));
        AgentClient node = client(url, AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of())));

        assertThat(node.echo().version()).isEqualTo("test");
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        String url = serve(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1")));
        SSLContext anonymous = SSLContext.getInstance("TLSv1.3");
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", CA.certificate());
        trust.init(anchors);
        anonymous.init(null, trust.getTrustManagers(), null);

        assertRefusedByTheAgent(client(url, anonymous));
    }

    @Test
    void aClientCertificateOfAnotherAuthorityIsRefused() {
        String url = serve(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1")));
        // it trusts our agents, but its own certificate comes from elsewhere
        TlsIdentity stranger = OTHER_CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of());
        TlsIdentity trustingOurs = new TlsIdentity(stranger.key(), stranger.certificate(), CA.certificate());

        assertRefusedByTheAgent(client(url, AgentTls.nodeContext(trustingOurs)));
    }

    @Test
    void anAgentCertificateCannotActAsTheManagementNode() {
        String url = serve(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1")));
        // another router of the same installation tries to command this one
        TlsIdentity otherRouter = CA.issue(PeerRole.AGENT, "vr-2", List.of("127.0.0.1"));

        assertRefusedByTheAgent(client(url, AgentTls.nodeContext(otherRouter)));
    }

    @Test
    void theNodeRefusesAnAgentWhoseCertificateNamesAnotherAddress() {
        // a valid certificate of the installation, but for another router's address
        String url = serve(CA.issue(PeerRole.AGENT, "vr-2", List.of("10.0.0.9")));
        AgentClient node = client(url, AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of())));

        assertRefused(node);
    }

    @Test
    void theNodeRefusesAnAgentOfAnotherAuthority() {
        String url = serve(OTHER_CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1")));
        AgentClient node = client(url, AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of())));

        assertRefused(node);
    }

    @Test
    void theNodeRefusesAManagementNodeCertificateOnTheAgentSide() {
        String url = serve(CA.issue(PeerRole.MANAGEMENT_NODE, "impostor", List.of("127.0.0.1")));
        AgentClient node = client(url, AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of())));

        assertRefused(node);
    }

    @Test
    void towardsHostAgents_theNodeAcceptsAHostAgentCertificate_andRefusesARoutersForTheSameAddress() {
        AgentClient node = client(serve(CA.issue(PeerRole.HOST_AGENT, "host", List.of("127.0.0.1"))),
                AgentTls.nodeContextForHostAgents(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of())));
        assertThat(node.echo().version()).isEqualTo("test");
        stop();
        requests.set(0);

        // a router (it faces guests) with a valid serverAuth certificate of the installation must not pass as a host
        String url = serve(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1")));
        assertRefused(client(url, AgentTls.nodeContextForHostAgents(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of()))));
    }

    @Test
    void towardsRouterAgents_theNodeRefusesAHostAgentCertificate() {
        String url = serve(CA.issue(PeerRole.HOST_AGENT, "host", List.of("127.0.0.1")));
        assertRefused(client(url, AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of()))));
    }

    @Test
    void theServersOrderPutsAesFirstOnlyWhereThisJvmRunsItsIntrinsics() {
        assertThat(AgentTls.serverCipherSuites()).containsExactlyInAnyOrder(AgentTls.CIPHER_SUITES);
        // this test JVM runs C2 unless told otherwise; an agent's C1-only JVM gets ChaCha20 first
        boolean c1Only = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-XX:TieredStopAtLevel=") && !a.endsWith("=4"));
        assertThat(AgentTls.aesIsFastHere()).isEqualTo(!c1Only && Boolean.parseBoolean(
                java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                        .getVMOption("UseAES").getValue()));
        assertThat(AgentTls.serverCipherSuites()[0]).isEqualTo(AgentTls.aesIsFastHere()
                ? "TLS_AES_128_GCM_SHA256" : "TLS_CHACHA20_POLY1305_SHA256");
    }

    @Test
    void aRevokedAgentCertificateIsRefusedAtTheHandshake_anotherOfTheSameAuthorityIsNot() {
        TlsIdentity destroyedRouter = CA.issue(PeerRole.AGENT, "vr-gone", List.of("127.0.0.1"));
        java.util.Set<java.math.BigInteger> revoked = java.util.Set.of(destroyedRouter.certificate().getSerialNumber());
        Revocations list = certificate -> revoked.contains(certificate.getSerialNumber());
        TlsIdentity node = CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of());

        assertRefused(client(serve(destroyedRouter), AgentTls.nodeContext(node, list)));
        stop();
        assertThat(client(serve(CA.issue(PeerRole.AGENT, "vr-new", List.of("127.0.0.1"))), AgentTls.nodeContext(node, list))
                .echo().version()).isEqualTo("test");
    }

    @Test
    void aRevocationHoldsFromTheNextConnection_theCachedSessionIsNotResumed() {
        TlsIdentity host = CA.issue(PeerRole.HOST_AGENT, "host 127.0.0.1", List.of("127.0.0.1"));
        java.util.Set<java.math.BigInteger> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Revocations list = certificate -> revoked.contains(certificate.getSerialNumber());
        SSLContext node = AgentTls.nodeContextForHostAgents(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of()), list);
        String url = serve(host);
        assertThat(client(url, node).echo().version()).isEqualTo("test");
        assertThat(node.getClientSessionContext().getIds().hasMoreElements()).as("a session to resume").isTrue();
        requests.set(0);

        revoked.add(host.certificate().getSerialNumber()); // DeleteHost
        AgentTls.forgetRevokedSessions(node, list);

        assertThat(node.getClientSessionContext().getIds().hasMoreElements()).isFalse();
        assertRefused(client(url, node)); // a new connection (a new client), the same context
    }

    /** The node refuses the agent: the JDK's TLS says so, and no request went out. */
    private void assertRefused(AgentClient client) {
        assertThatThrownBy(client::echo)
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.isTlsRefused())
                        .as("a TLS refusal: %s", e).isTrue());
        assertThat(requests.get()).isZero();
    }

    /**
     * The agent refuses the client: in TLS 1.3 the client's certificate is checked after the client finished its part
     * of the handshake, so the client sees the connection closed rather than an alert; what matters is that no request
     * reached the agent.
     */
    private void assertRefusedByTheAgent(AgentClient client) {
        assertThatThrownBy(client::echo).isInstanceOf(AgentException.class);
        assertThat(requests.get()).isZero();
    }

    private static AgentClient client(String url, SSLContext tls) {
        return new AgentClient(AgentClient.newHttpClient(TIMEOUT, tls), url, "s3cret-s3cret-s3cret", TIMEOUT);
    }

    /** An HTTPS server set up as an agent's: the agent context, a client certificate required. */
    private String serve(TlsIdentity agent) {
        try {
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            SSLContext context = AgentTls.agentContext(agent);
            server.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    var ssl = context.getDefaultSSLParameters();
                    ssl.setNeedClientAuth(true);
                    params.setSSLParameters(ssl);
                }
            });
            server.createContext("/", exchange -> {
                requests.incrementAndGet();
                byte[] body = "{\"success\":true,\"version\":\"test\",\"md5\":\"abc\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return "https://127.0.0.1:" + server.getAddress().getPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
