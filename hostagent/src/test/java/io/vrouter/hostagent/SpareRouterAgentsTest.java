package io.vrouter.hostagent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.hostagent.AgentTlsTO;
import io.vrouter.agent.protocol.hostagent.L2TO;
import io.vrouter.agent.protocol.hostagent.NicTO;
import io.vrouter.agent.protocol.hostagent.VmTO;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
import io.vrouter.platform.process.CommandRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warm spare router agents, as root with the real agent jar: a router start takes a ready spare (the agent answers
 * the management node's call with the router's identity, in the router's namespace, and its nftables table is
 * there), a replacement boots, supervision, a host agent's restart and destroy treat the adopted agent as a
 * cold-started one, cleanup removes the spares, and a spare of another jar is never handed over.
 */
@Timeout(600)
class SpareRouterAgentsTest {
    private static final Duration BOOT = Duration.ofSeconds(240);
    private static final String SECRET = "0123456789abcdef0123";
    private static final String MGMT_L2 = "33333333333333333333333333333333";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20));
    private final CertificateAuthority authority = CertificateAuthority.create("spare-test");
    private Path dir;
    private Path jar;
    private HostAgent agent;

    @BeforeEach
    void setUp(@TempDir Path tmp) throws IOException {
        String reason = HostTesting.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> reason);
        dir = tmp.resolve("netns");
        jar = tmp.resolve("vrouter-agent.jar");
        Files.copy(HostTesting.agentJar(), jar);
        agent = newAgent(null);
    }

    private HostAgent newAgent(String prefix) {
        return new HostAgent(new HostAgentSettings(dir, jar, Duration.ofSeconds(1), prefix, true, true, 1));
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            String prefix = agent.names().prefix();
            agent.cleanAll();
            agent.close();
            assertThat(HostTesting.leftovers(prefix)).isEmpty();
        }
    }

    @Test
    void aRouterTakesAReadySpare_whichServesAsTheRoutersAgentThroughSupervisionRestartAndDestroy() throws Exception {
        String prefix = agent.names().prefix(); // the host's pieces are made: the spare boots in the background
        SpareRouterAgents.Spare spare = awaitReadySpare(agent);
        assertThat(namespaces()).contains(spare.namespace());

        VmTO router = router("44444444444444444444444444444444", "10.213.77.10");
        agent.start(router);
        String ns = agent.names().namespace(router.uuid());
        assertThat(agent.status(router.uuid(), 0).agentPid()).as("the spare is the router's agent").isEqualTo(spare.pid());
        assertThat(namespaces()).contains(ns).doesNotContain(spare.namespace());
        assertThat(pidsIn(ns)).contains(Long.toString(spare.pid()));
        assertThat(ping(router, SECRET).path("success").asBoolean()).as("it answers over the router's TLS identity").isTrue();
        assertThat(ping(router, "not-the-routers-secret").path("error").asText()).as("with the router's name and secret")
                .startsWith("agent " + router.uuid() + ":");
        assertThat(runner.run(List.of("ip", "netns", "exec", ns, "nft", "list", "tables"), null).stdout())
                .as("its dataplane acts in the router's namespace").contains("vrouter");
        assertThat(Files.readString(dir.resolve("vms").resolve(router.uuid()).resolve("agent.log")))
                .as("its log moved with it").contains("warm spare ready").contains("listening on https://10.213.77.10");

        SpareRouterAgents.Spare replacement = awaitReadySpare(agent);
        assertThat(replacement.id()).isNotEqualTo(spare.id());

        // supervision: killed, it comes back (cold) and answers again
        ProcessHandle.of(spare.pid()).orElseThrow().destroyForcibly();
        await("the killed agent restarted", () -> {
            long pid = agent.status(router.uuid(), 0).agentPid();
            return pid > 0 && pid != spare.pid();
        });
        long restarted = agent.status(router.uuid(), 0).agentPid();
        assertThat(ping(router, SECRET).path("success").asBoolean()).isTrue();

        // a host agent restart adopts it as it is
        agent.close();
        assertThat(namespaces()).as("the spares go with the host agent").noneMatch(n -> n.equals(replacement.namespace()));
        assertThat(ProcessHandle.of(replacement.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        agent = newAgent(prefix);
        agent.adopt();
        assertThat(agent.status(router.uuid(), 0).agentPid()).isEqualTo(restarted);

        agent.destroy(router);
        assertThat(namespaces()).doesNotContain(ns);
        assertThat(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        SpareRouterAgents.Spare another = awaitReadySpare(agent);
        agent.cleanAll();
        assertThat(namespaces()).as("cleanup removes the spares").doesNotContain(another.namespace());
        assertThat(ProcessHandle.of(another.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aSpareOfAnotherJar_isNotHandedOver_andIsReplacedByOneOfTheNewJar() throws Exception {
        agent.names();
        SpareRouterAgents.Spare stale = awaitReadySpare(agent);
        rewriteWithExtraEntry(jar); // the host's jar changes (an upgrade): the spare now runs an older one

        VmTO router = router("55555555555555555555555555555555", "10.213.77.11");
        agent.start(router);
        long pid = agent.status(router.uuid(), 0).agentPid();
        assertThat(pid).as("a cold-started agent, not the stale spare").isPositive().isNotEqualTo(stale.pid());
        assertThat(ping(router, SECRET).path("success").asBoolean()).isTrue();
        String newMd5 = new AgentJarCache(dir.resolve("x")).md5(jar);
        await("a spare of the new jar", () -> agent.waitingSpares().stream().anyMatch(s -> s.jarMd5().equals(newMd5)));
        assertThat(ProcessHandle.of(stale.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    // ---------------------------------------------------------------- helpers

    private VmTO router(String uuid, String ip) {
        TlsIdentity identity = authority.issue(PeerRole.AGENT, uuid, List.of(ip));
        List<String> pem = identity.toPem();
        NicTO mgmt = new NicTO("6" + uuid.substring(1), 0, "02:00:00:00:0" + ip.charAt(ip.length() - 1) + ":01",
                new L2TO(MGMT_L2, L2TO.NO_VLAN, null, null), ip, "255.255.255.0", "10.213.77.1", false);
        return new VmTO(uuid, "vr", true, List.of(mgmt), SECRET, new AgentTlsTO(pem.get(0), pem.get(1), pem.get(2)), "10.213.77.1");
    }

    /** /ping over mutual TLS as the management node calls it, with {@code secret}; retried while the agent boots. */
    private JsonNode ping(VmTO router, String secret) throws Exception {
        SSLContext tls = AgentTls.nodeContext(authority.issue(PeerRole.MANAGEMENT_NODE, "node", List.of()));
        HttpClient http = HttpClient.newBuilder().sslContext(tls).sslParameters(AgentTls.clientParameters(tls))
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + router.nics().get(0).ip() + ":" + AgentPaths.DEFAULT_PORT
                        + AgentPaths.PING)).header("Authorization", AgentPaths.BEARER_PREFIX + secret)
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (true) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 || response.statusCode() == 401) {
                    return JSON.readTree(response.body());
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the agent of " + router.uuid() + " did not answer /ping");
            }
            Thread.sleep(100);
        }
    }

    private static SpareRouterAgents.Spare awaitReadySpare(HostAgent agent) throws InterruptedException {
        await("a ready spare", () -> agent.waitingSpares().stream().anyMatch(SpareRouterAgentsTest::ready));
        return agent.waitingSpares().stream().filter(SpareRouterAgentsTest::ready).findFirst().orElseThrow();
    }

    private static boolean ready(SpareRouterAgents.Spare spare) {
        return Files.exists(spare.dir().resolve(SpareRouterAgents.READY));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private List<String> namespaces() {
        return runner.run(List.of("ip", "netns", "list"), null).stdout().lines().map(l -> l.split("\\s+")[0]).toList();
    }

    private List<String> pidsIn(String ns) {
        return runner.run(List.of("ip", "netns", "pids", ns), null).stdout().lines().map(String::trim).toList();
    }

    /** The same jar with one more entry: another md5. */
    private static void rewriteWithExtraEntry(Path jar) throws IOException {
        Path tmp = jar.resolveSibling("rewritten.jar");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             OutputStream file = Files.newOutputStream(tmp);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("spare-test-marker.txt"));
            out.write("another build".getBytes());
            out.closeEntry();
        }
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
