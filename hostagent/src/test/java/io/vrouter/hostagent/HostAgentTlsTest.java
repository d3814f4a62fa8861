package io.vrouter.hostagent;

import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.hostagent.EnrollBeginCmd;
import io.vrouter.agent.protocol.hostagent.EnrollBeginReply;
import io.vrouter.agent.protocol.hostagent.HostAgentPaths;
import io.vrouter.agent.protocol.hostagent.HostAgentReply;
import io.vrouter.agent.protocol.hostagent.PingCmd;
import io.vrouter.agent.protocol.hostagent.PingReply;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.HostEnrollment;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The host agent over mutual TLS, with real handshakes against its Jetty: the management node of the installation
 * gets through; a client without a certificate, with another authority's, or with an agent's certificate is refused
 * at the handshake (no command reaches the agent); the node refuses a router agent's certificate where a host agent
 * should answer. Enrollment: an agent without a certificate serves only the enrollment over plain HTTP, refuses a
 * node without its secret, and once enrolled serves mutual TLS on the same port with its key and certificate kept
 * 0600 for its next start.
 */
class HostAgentTlsTest {
    private static final String SECRET = "s3cret-of-this-host-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final CertificateAuthority CA = CertificateAuthority.create("test installation");
    private static final CertificateAuthority OTHER_CA = CertificateAuthority.create("another installation");
    private static final SSLContext NODE = AgentTls.nodeContextForHostAgents(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of()));

    private HostAgent agent;
    private HostAgentServer server;
    private Path dir;

    @BeforeEach
    void setUp(@TempDir Path tmp) {
        dir = tmp;
        agent = new HostAgent(new HostAgentSettings(tmp.resolve("netns"), null, Duration.ofSeconds(5), null, false, false));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        agent.close();
    }

    private String serveTls(TlsIdentity identity) {
        server = HostAgentServer.start(agent, SECRET, "127.0.0.1", 0, AgentTls.hostAgentContext(identity));
        return "https://127.0.0.1:" + server.port();
    }

    private static AgentClient client(String url, SSLContext tls) {
        return new AgentClient(AgentClient.newHttpClient(TIMEOUT, tls), url, SECRET, TIMEOUT);
    }

    private static PingReply ping(AgentClient client) {
        return client.call(HostAgentPaths.PING, new PingCmd("h"), PingReply.class);
    }

    @Test
    void theNodeOfTheInstallationGetsThrough_withTheSecret() {
        String url = serveTls(CA.issue(PeerRole.HOST_AGENT, "host", List.of("127.0.0.1")));
        assertThat(server.scheme()).isEqualTo("https");
        assertThat(ping(client(url, NODE)).agentUuid()).isEqualTo(agent.agentUuid());
        assertThatThrownBy(() -> ping(new AgentClient(AgentClient.newHttpClient(TIMEOUT, NODE), url, "not-the-secret-of-this-host", TIMEOUT)))
                .as("the certificate does not replace the secret")
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.isUnauthorized()).isTrue());
    }

    @Test
    void clientsWithoutTheNodesCertificate_areRefusedAtTheHandshake() throws Exception {
        String url = serveTls(CA.issue(PeerRole.HOST_AGENT, "host", List.of("127.0.0.1")));
        // trusts the host agent, presents nothing
        SSLContext anonymous = SSLContext.getInstance("TLSv1.3");
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore anchors = java.security.KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", CA.certificate());
        trust.init(anchors);
        anonymous.init(null, trust.getTrustManagers(), null);
        assertRefusedAtTheHandshake(client(url, anonymous));

        // a management node certificate of another installation (trusting ours)
        TlsIdentity stranger = OTHER_CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of());
        assertRefusedAtTheHandshake(client(url, AgentTls.nodeContextForHostAgents(
                new TlsIdentity(stranger.key(), stranger.certificate(), CA.certificate()))));

        // a router of this installation (a guest-facing appliance) trying to command its host
        assertRefusedAtTheHandshake(client(url, AgentTls.nodeContextForHostAgents(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1")))));

        // plain HTTP: no answer at all
        assertThatThrownBy(() -> ping(AgentClient.create(url.replace("https:", "http:"), SECRET, TIMEOUT)))
                .isInstanceOf(AgentException.class);
        assertThat(Files.exists(dir.resolve("netns"))).as("nothing done on the host").isFalse();
    }

    @Test
    void theNodeRefusesARouterAgentsCertificateWhereAHostAgentShouldAnswer() {
        String url = serveTls(CA.issue(PeerRole.AGENT, "vr-1", List.of("127.0.0.1")));
        assertThatThrownBy(() -> ping(client(url, NODE)))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.isTlsRefused()).as("%s", e).isTrue());
    }

    @Test
    void enrollment_onlyWithTheSecret_thenMutualTlsOnTheSamePort_keptForTheNextStart() throws Exception {
        int port = freePort();
        Path tlsDir = dir.resolve("tls");
        CompletableFuture<HostAgentServer> served = CompletableFuture.supplyAsync(() -> {
            try {
                return HostAgentMain.serve(agent, SECRET, "127.0.0.1", port, tlsDir);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        AgentClient plain = AgentClient.create("http://127.0.0.1:" + port, "none", TIMEOUT);
        awaitListening(port);

        // before enrollment: no command, whatever the caller sends
        assertThatThrownBy(() -> plain.call(HostAgentPaths.PING, new PingCmd("h"), PingReply.class))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
        // a node without the secret: 401, no key made
        assertThatThrownBy(() -> plain.call(HostAgentPaths.ENROLL_BEGIN, HostEnrollment.begin("another-secret-of-the-same-len"),
                EnrollBeginReply.class)).isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.isUnauthorized()).isTrue());
        assertThat(tlsDir).doesNotExist();

        EnrollBeginCmd begin = HostEnrollment.begin(SECRET);
        EnrollBeginReply reply = plain.call(HostAgentPaths.ENROLL_BEGIN, begin, EnrollBeginReply.class);
        plain.call(HostAgentPaths.ENROLL_FINISH, HostEnrollment.certify(CA, SECRET, begin, reply, "127.0.0.1"), HostAgentReply.class);
        server = served.get(30, java.util.concurrent.TimeUnit.SECONDS);

        String url = "https://127.0.0.1:" + port;
        assertThat(ping(client(url, NODE)).agentUuid()).isEqualTo(agent.agentUuid());
        assertThat(Files.getPosixFilePermissions(tlsDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(tlsDir.resolve(TlsIdentity.KEY_FILE))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        TlsIdentity kept = HostEnrollmentServer.read(tlsDir);
        assertThat(kept.authority()).isEqualTo(CA.certificate());
        assertThat(kept.certificate().getSubjectX500Principal().getName()).contains("OU=host-agent");

        // the next start reads the identity: TLS at once, no enrollment served
        server.close();
        server = HostAgentMain.serve(agent, SECRET, "127.0.0.1", port, tlsDir);
        assertThat(ping(client(url, NODE)).agentUuid()).isEqualTo(agent.agentUuid());
        assertThatThrownBy(() -> plain.call(HostAgentPaths.ENROLL_BEGIN, HostEnrollment.begin(SECRET), EnrollBeginReply.class))
                .as("no enrollment once enrolled").isInstanceOf(AgentException.class);
    }

    /** Refused during the handshake: an exception, and no reply of the agent's (no HTTP status) ever read. */
    private static void assertRefusedAtTheHandshake(AgentClient client) {
        assertThatThrownBy(() -> ping(client)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.httpStatus()).as("no HTTP reply: %s", e).isZero());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
