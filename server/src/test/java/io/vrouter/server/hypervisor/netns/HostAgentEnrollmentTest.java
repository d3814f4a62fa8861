package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.hostagent.HostAgent;
import io.vrouter.hostagent.HostAgentMain;
import io.vrouter.hostagent.HostAgentServer;
import io.vrouter.hostagent.HostAgentSettings;
import io.vrouter.hostagent.HostCheck;
import io.vrouter.hostagent.HostEnrollmentServer;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code AddNetnsHost} against a host agent started as {@code ./vrouter host-agent} starts it, without a certificate:
 * the node enrolls it with the secret given (the agent's certificate then of the node's authority, naming the host's
 * management address) and reaches it over mutual TLS; a wrong secret enrolls nothing; an agent holding another
 * installation's certificate is refused saying what to do. The agents listen on loopback addresses of their own
 * (127.0.0.x), as hosts would on their management addresses.
 */
class HostAgentEnrollmentTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static TestNode node;
    private static ApiClient api;
    private static Infra infra;

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<HostAgentServer, HostAgent> agentOf = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        node = TestNode.start(TestDatabase.H2);
        api = node.admin();
        infra = new Infra(api);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @AfterEach
    void closeAgents() throws Exception {
        for (AutoCloseable c : started) {
            c.close();
        }
    }

    /** A host agent as its main runs it: waiting for enrollment on {@code ip:port}, then serving mutual TLS there. */
    private CompletableFuture<HostAgentServer> hostAgent(String ip, int port, Path dir) {
        HostAgent agent = new HostAgent(new HostAgentSettings(dir.resolve("netns"), null, Duration.ofSeconds(5), uniquePrefix(), false, false));
        started.add(agent);
        CompletableFuture<HostAgentServer> served = CompletableFuture.supplyAsync(() -> {
            try {
                HostAgentServer server = HostAgentMain.serve(agent, SECRET, ip, port, dir.resolve("tls"));
                started.add(0, server);
                agentOf.put(server, agent);
                return server;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        return served;
    }

    @Test
    void aNewHostAgent_isEnrolledWithItsSecret_andThenReachedOverMutualTls(@TempDir Path dir) throws Exception {
        int port = freePort();
        CompletableFuture<HostAgentServer> served = hostAgent("127.0.0.3", port, dir);
        awaitListening("127.0.0.3", port);
        String cluster = infra.cluster(infra.zone(), "Netns");

        ApiReply wrong = api.call("AddNetnsHost", Map.of("name", "h3", "clusterUuid", cluster, "managementIp", "127.0.0.3",
                "agentPort", port, "agentSecret", "not-the-secret-of-this-host-0000"));
        Infra.assertError(wrong, 400, "SYS.1007", "the host agent of Netns host h3 at http://127.0.0.3:" + port
                + " refused the secret (HTTP 401): give the content of its --secret-file as agentSecret");
        assertThat(dir.resolve("tls")).as("nothing enrolled with a wrong secret").doesNotExist();
        assertThat(served).isNotDone();

        ApiReply reply = api.call("AddNetnsHost", Map.of("name", "h3", "clusterUuid", cluster, "managementIp", "127.0.0.3",
                "agentPort", port, "agentSecret", SECRET));
        // the agent's answer to /host/connect came over TLS: a host that can run VMs is added, else refused for what it lacks
        String problems = new HostCheck().problems();
        if (problems == null) {
            assertThat(reply.status()).as("%s", reply.errorDetails()).isEqualTo(200);
            assertThat(reply.inventory().get("status").asText()).isEqualTo("Connected");
        } else {
            Infra.assertError(reply, 500, "SYS.1006", "Netns host h3 cannot run VMs: " + problems);
        }
        assertThat(served.get(20, java.util.concurrent.TimeUnit.SECONDS).scheme()).isEqualTo("https");
        TlsIdentity enrolled = HostEnrollmentServer.read(dir.resolve("tls"));
        assertThat(enrolled.authority()).as("the node's authority")
                .isEqualTo(CertificateAuthority.loadOrCreate(node.dataDir().resolve("tls"), "unused").certificate());
        assertThat(enrolled.certificate().getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.3"));
        assertThat(enrolled.certificate().getSubjectX500Principal().getName()).contains("OU=host-agent");
        if (problems != null) {
            System.out.println("HostAgentEnrollmentTest: re-enrollment at reconnect not tried: the host cannot run VMs here ("
                    + problems + ")");
            return;
        }

        // the host's agent loses its certificate (its TLS directory removed, the agent restarted): ReconnectHost
        // enrolls it again with the secret the node recorded, and reaches it over TLS
        String hostUuid = reply.inventory().get("uuid").asText();
        HostAgentServer first = served.get();
        first.close();
        started.remove(first);
        try (var files = Files.walk(dir.resolve("tls"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        CompletableFuture<HostAgentServer> again = serveAgain(first, port, dir);
        awaitListening("127.0.0.3", port);
        api.ok("ReconnectHost", Map.of("uuid", hostUuid));
        assertThat(again.get(20, java.util.concurrent.TimeUnit.SECONDS).scheme()).isEqualTo("https");
        assertThat(HostEnrollmentServer.read(dir.resolve("tls")).certificate()).as("a new certificate")
                .isNotEqualTo(enrolled.certificate());
        assertThat(api.query("QueryHost", "uuid", "=", hostUuid).get(0).get("status").asText()).isEqualTo("Connected");
        api.ok("DeleteHost", Map.of("uuid", hostUuid));

        // deleted, the host's certificates are revoked: its agent, still holding one, is not trusted at that address
        // again (nor is anything that copied its key); it must be enrolled anew, as a new host
        ApiReply readded = api.call("AddNetnsHost", Map.of("name", "h3", "clusterUuid", cluster, "managementIp", "127.0.0.3",
                "agentPort", port, "agentSecret", SECRET));
        assertThat(readded.status()).as("%s", readded.errorDetails()).isEqualTo(500);
        assertThat(readded.errorDetails()).contains("revoked").contains("enrolled anew: remove its agent's TLS directory");
        assertThat(api.count("QueryHost", "managementIp", "=", "127.0.0.3")).isZero();
    }

    /** The same host agent started again on {@code port} (after its first server closed). */
    private CompletableFuture<HostAgentServer> serveAgain(HostAgentServer closed, int port, Path dir) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                HostAgentServer server = HostAgentMain.serve(agentOf.get(closed), SECRET, "127.0.0.3", port, dir.resolve("tls"));
                started.add(0, server);
                return server;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aHostAgentOfAnotherInstallation_isRefusedSayingWhatToDo(@TempDir Path dir) throws Exception {
        CertificateAuthority other = CertificateAuthority.create("another installation");
        HostAgent agent = new HostAgent(new HostAgentSettings(dir.resolve("netns"), null, Duration.ofSeconds(5), uniquePrefix(), false, false));
        started.add(agent);
        HostAgentServer server = HostAgentServer.start(agent, SECRET, "127.0.0.4", 0,
                AgentTls.hostAgentContext(other.issue(PeerRole.HOST_AGENT, "host", List.of("127.0.0.4"))));
        started.add(0, server);
        String cluster = infra.cluster(infra.zone(), "Netns");

        ApiReply reply = api.call("AddNetnsHost", Map.of("name", "h4", "clusterUuid", cluster, "managementIp", "127.0.0.4",
                "agentPort", server.port(), "agentSecret", SECRET));
        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.errorDetails()).startsWith("the host agent at https://127.0.0.4:" + server.port()
                + " refuses the TLS handshake and takes no enrollment either").contains("remove its TLS directory");
        assertThat(api.count("QueryHost", "managementIp", "=", "127.0.0.4")).isZero();
        assertThat(Files.exists(dir.resolve("netns"))).as("nothing done on the host").isFalse();
    }

    /** Names on this machine are shared with other tests running at the same time. */
    private static String uniquePrefix() {
        return "e" + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(String ip, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(ip, port), 500);
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
