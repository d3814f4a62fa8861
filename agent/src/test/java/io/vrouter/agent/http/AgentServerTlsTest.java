package io.vrouter.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentIdentity;
import io.vrouter.agent.core.Samples;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.BodyEncoding;
import io.vrouter.agent.protocol.NicsCmd;
import io.vrouter.agent.protocol.PortForwardingCmd;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's own HTTP server (Jetty) over mutual TLS, with the one agent client. */
class AgentServerTlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String SECRET = "0123456789abcdef-secret";
    private static final CertificateAuthority CA = CertificateAuthority.create("agent server test");

    private final RecordingDataplane dataplane = new RecordingDataplane();
    private final Agent agent = new Agent("vr-1", SECRET, dataplane, AgentIdentity.ofRunningCode());
    private AgentServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theManagementNodeCommandsTheAgentOverTls() {
        String url = start(AgentTls.agentContext(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1"))));
        AgentClient node = client(url, AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of())));

        node.configureNics(Samples.nics());

        assertThat(url).startsWith("https://");
        assertThat(dataplane.commandPaths()).containsExactly("/configurenic");
    }

    @Test
    void aCertificateFromAnotherAuthorityChangesNothing() {
        String url = start(AgentTls.agentContext(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1"))));
        CertificateAuthority other = CertificateAuthority.create("elsewhere");
        TlsIdentity stranger = other.issue(PeerRole.MANAGEMENT_NODE, "node", List.of());
        // trusts our agent, presents a certificate of another authority
        AgentClient client = client(url, AgentTls.nodeContext(new TlsIdentity(stranger.key(), stranger.certificate(),
                CA.certificate())));

        assertThatThrownBy(() -> client.configureNics(Samples.nics())).isInstanceOf(AgentException.class);
        assertThat(dataplane.commandPaths()).isEmpty();
    }

    @Test
    void aPlainHttpAgentIsRecognisedAsATlsRefusal() {
        // what a node meets when it calls an agent deployed before TLS: it must redeploy, not wait
        String url = start(null).replace("http://", "https://");
        AgentClient node = client(url, AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of())));

        assertThatThrownBy(node::echo).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.isTlsRefused()).as("%s", e).isTrue());
    }

    @Test
    void aBigSyncGoesGzipOverTls_andLeavesTheStateAPlainOneLeaves() throws Exception {
        String url = start(AgentTls.agentContext(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1"))));
        AgentClient node = client(url, AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of())));
        node.configureNics(Samples.nics());
        List<PortForwardingRuleTO> rules = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            rules.add(Samples.pf("pf-" + i, "TCP", 1000 + i, 1000 + i, 2000 + i, 2000 + i, null));
        }
        byte[] json = AgentJson.newMapper().writeValueAsBytes(new PortForwardingCmd(rules));

        node.syncPortForwarding(rules);

        assertThat(json.length).isGreaterThan(BodyEncoding.THRESHOLD);
        assertThat(node.compressesBigBodies()).as("the agent's replies offer gzip").isTrue();
        // the reference: the same command handed to an agent of its own as the plain JSON
        RecordingDataplane reference = new RecordingDataplane();
        Agent plain = new Agent("vr-2", SECRET, reference, AgentIdentity.ofRunningCode());
        plain.handle(AgentPaths.CONFIGURE_NIC, "Bearer " + SECRET, AgentJson.newMapper().writeValueAsBytes(new NicsCmd(Samples.nics())));
        assertThat(plain.handle(AgentPaths.SYNC_PORT_FORWARDING, "Bearer " + SECRET, json).status()).isEqualTo(200);
        assertThat(dataplane.appliedState().portForwardings()).hasSize(3_000)
                .isEqualTo(reference.appliedState().portForwardings());
    }

    @Test
    void aDecompressionBombIsRefusedWith413AndNothingApplied() throws Exception {
        String url = start(AgentTls.agentContext(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1"))));
        // past the limit by 1 MiB once inflated, ~0.3 MB on the wire
        byte[] bomb = BodyEncoding.gzip(new byte[BodyEncoding.MAX_INFLATED + 1024 * 1024]);

        HttpResponse<String> reply = rawPost(url + AgentPaths.SYNC_PORT_FORWARDING, BodyEncoding.GZIP, bomb);

        assertThat(reply.statusCode()).isEqualTo(413);
        assertThat(reply.body()).contains("\"success\":false").contains("inflates past the limit");
        assertThat(dataplane.commandPaths()).isEmpty();
        assertThat(dataplane.applyCount()).isZero();
    }

    @Test
    void anUnknownEncodingIs415AndBrokenGzipIs400_nothingApplied() throws Exception {
        String url = start(AgentTls.agentContext(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1"))));
        byte[] json = AgentJson.newMapper().writeValueAsBytes(new NicsCmd(Samples.nics()));

        HttpResponse<String> brotli = rawPost(url + AgentPaths.CONFIGURE_NIC, "br", json);
        HttpResponse<String> notGzip = rawPost(url + AgentPaths.CONFIGURE_NIC, BodyEncoding.GZIP, json);

        assertThat(brotli.statusCode()).isEqualTo(415);
        assertThat(brotli.headers().firstValue(BodyEncoding.ACCEPT_ENCODING)).hasValue(BodyEncoding.GZIP);
        assertThat(notGzip.statusCode()).isEqualTo(400);
        assertThat(notGzip.body()).contains("not gzip");
        assertThat(dataplane.commandPaths()).isEmpty();
    }

    @Test
    void aRotatedCertificateIsPresentedFromTheNextHandshake_theOpenConnectionGoesOn_andItIsSaved() {
        TlsIdentity first = CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1"));
        java.util.concurrent.atomic.AtomicReference<TlsIdentity> saved = new java.util.concurrent.atomic.AtomicReference<>();
        server = AgentServer.start(agent, "127.0.0.1", 0, first, saved::set);
        String url = "https://127.0.0.1:" + server.port();
        SSLContext nodeTls = AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of()));
        AgentClient node = client(url, nodeTls);
        assertThat(node.peerCertificate()).hasValue(first.certificate());
        TlsIdentity next = CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1"));

        node.rotateCertificate(next);

        assertThat(saved.get()).isEqualTo(next);
        node.configureNics(Samples.nics()); // the kept connection: still served
        assertThat(dataplane.commandPaths()).containsExactly("/configurenic");
        assertThat(client(url, nodeTls).peerCertificate()).as("a new connection's handshake").hasValue(next.certificate());
    }

    @Test
    void aRotationToAnotherAuthoritysOrAMismatchedKeyIsRefused_theAgentKeepsItsCertificate() {
        TlsIdentity first = CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1"));
        java.util.concurrent.atomic.AtomicReference<TlsIdentity> saved = new java.util.concurrent.atomic.AtomicReference<>();
        server = AgentServer.start(agent, "127.0.0.1", 0, first, saved::set);
        String url = "https://127.0.0.1:" + server.port();
        SSLContext nodeTls = AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of()));
        AgentClient node = client(url, nodeTls);
        TlsIdentity elsewhere = CertificateAuthority.create("elsewhere").issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1"));
        TlsIdentity otherKey = CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1"));
        TlsIdentity mismatched = new TlsIdentity(first.key(), otherKey.certificate(), CA.certificate());
        TlsIdentity nodeCertificate = CA.issue(PeerRole.MANAGEMENT_NODE, "vr-1", List.of("127.0.0.1"));

        for (TlsIdentity bad : List.of(elsewhere, mismatched, nodeCertificate)) {
            assertThatThrownBy(() -> node.rotateCertificate(bad)).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.httpStatus()).as("%s", e).isEqualTo(400));
        }
        AgentClient stranger = new AgentClient(AgentClient.newHttpClient(TIMEOUT, nodeTls), url, "not-the-secret", TIMEOUT);
        assertThatThrownBy(() -> stranger.rotateCertificate(otherKey)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.httpStatus()).isEqualTo(401));

        assertThat(saved.get()).isNull();
        assertThat(client(url, nodeTls).peerCertificate()).hasValue(first.certificate());
    }

    /** A request as any client could make it: the node's certificate, the agent's secret, a chosen encoding. */
    private static HttpResponse<String> rawPost(String url, String encoding, byte[] body) throws Exception {
        HttpClient http = AgentClient.newHttpClient(TIMEOUT,
                AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of())));
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header(AgentPaths.AUTHORIZATION_HEADER, "Bearer " + SECRET)
                .header(BodyEncoding.CONTENT_ENCODING, encoding)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String start(SSLContext tls) {
        server = AgentServer.start(agent, "127.0.0.1", 0, tls);
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + server.port();
    }

    private static AgentClient client(String url, SSLContext tls) {
        return new AgentClient(AgentClient.newHttpClient(TIMEOUT, tls), url, SECRET, TIMEOUT);
    }
}
