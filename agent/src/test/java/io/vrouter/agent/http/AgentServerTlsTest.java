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
import java.time.Duration;
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

    private String start(SSLContext tls) {
        server = AgentServer.start(agent, "127.0.0.1", 0, tls);
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + server.port();
    }

    private static AgentClient client(String url, SSLContext tls) {
        return new AgentClient(AgentClient.newHttpClient(TIMEOUT, tls), url, SECRET, TIMEOUT);
    }
}
