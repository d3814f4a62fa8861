package io.vrouter.server.agentcert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
import io.vrouter.server.db.Database;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger against real handshakes on loopback: a holder's certificates are trusted until it goes, then refused
 * from the next connection on (no cached session resumed), by every node context that consults the same database;
 * other holders' are not touched.
 */
class AgentCertificatesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final CertificateAuthority CA = CertificateAuthority.create("ledger test");

    @TempDir
    Path dir;
    private Database db;
    private final List<HttpsServer> servers = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void open() {
        db = Database.open(Database.h2FileUrl(dir), null, null, 4);
    }

    @AfterEach
    void close() {
        servers.forEach(s -> s.stop(0));
        db.close();
    }

    @Test
    void aDestroyedRoutersCertificateIsRefusedFromTheNextConnection_anotherRoutersIsNot() {
        AgentCertificates ledger = new AgentCertificates(db.dsl(), Clock.systemUTC(), CA);
        String gone = AgentCertificates.routerHolder("vr1", "host1");
        String staying = AgentCertificates.routerHolder("vr2", "host1");
        String goneUrl = serve(ledger.issue(gone, PeerRole.AGENT, "vr1", List.of("127.0.0.1")));
        String stayingUrl = serve(ledger.issue(staying, PeerRole.AGENT, "vr2", List.of("127.0.0.1")));
        SSLContext node = ledger.guard(AgentTls.nodeContext(CA.issue(PeerRole.MANAGEMENT_NODE, "node", List.of()), ledger));
        assertThat(client(goneUrl, node).echo().success()).isTrue();
        assertThat(client(stayingUrl, node).echo().success()).isTrue();
        requests.set(0);

        assertThat(ledger.revoke(gone)).isEqualTo(1);

        assertThatThrownBy(() -> client(goneUrl, node).echo()).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.isTlsRefused()).as("%s", e).isTrue());
        assertThat(requests.get()).as("nothing reached the revoked agent").isZero();
        assertThat(client(stayingUrl, node).echo().success()).isTrue();
        assertThat(ledger.revoke(gone)).as("nothing left to revoke").isZero();
    }

    @Test
    void anotherNodeOfTheInstallationRefusesWhatOneRevoked_andAHostReEnrolledAtTheAddressIsTrusted() {
        AgentCertificates first = new AgentCertificates(db.dsl(), Clock.systemUTC(), CA);
        AgentCertificates second = new AgentCertificates(db.dsl(), Clock.systemUTC(), CA);
        String holder = AgentCertificates.hostHolder("127.0.0.1");
        TlsIdentity deleted = CA.issue(PeerRole.HOST_AGENT, "host agent 127.0.0.1", List.of("127.0.0.1"));
        first.record(holder, PeerRole.HOST_AGENT, deleted.certificate());
        SSLContext secondNode = AgentTls.nodeContextForHostAgents(CA.issue(PeerRole.MANAGEMENT_NODE, "node 2", List.of()), second);

        first.revoke(holder); // DeleteHost on the first node
        TlsIdentity reAdded = CA.issue(PeerRole.HOST_AGENT, "host agent 127.0.0.1", List.of("127.0.0.1"));
        second.record(holder, PeerRole.HOST_AGENT, reAdded.certificate()); // AddNetnsHost again: a new enrollment

        assertThatThrownBy(() -> client(serve(deleted), secondNode).echo()).isInstanceOf(AgentException.class);
        assertThat(client(serve(reAdded), secondNode).echo().success()).isTrue();
    }

    @Test
    void expiredRowsAreForgotten() {
        AgentCertificates ledger = new AgentCertificates(db.dsl(), Clock.systemUTC(), CA);
        TlsIdentity identity = ledger.issue("router x on y", PeerRole.AGENT, "x", List.of("127.0.0.1"));
        // a clock past the certificate's end: the row is expired, nothing is revoked, the row goes
        AgentCertificates later = new AgentCertificates(db.dsl(), Clock.fixed(identity.certificate().getNotAfter().toInstant()
                .plusSeconds(1), java.time.ZoneOffset.UTC), CA);

        assertThat(later.revoke("router x on y")).isZero();
        assertThat(db.dsl().fetchCount(AgentCertTables.AGENT_CERTIFICATE)).isZero();
    }

    private static AgentClient client(String url, SSLContext tls) {
        return new AgentClient(AgentClient.newHttpClient(TIMEOUT, tls), url, "s3cret-s3cret-s3cret", TIMEOUT);
    }

    /** An HTTPS server set up as an agent's, presenting {@code agent}. */
    private String serve(TlsIdentity agent) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
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
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            servers.add(server);
            return "https://127.0.0.1:" + server.getAddress().getPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
