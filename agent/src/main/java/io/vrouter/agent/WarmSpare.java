package io.vrouter.agent;

import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentIdentity;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.ha.RecordingHa;
import io.vrouter.agent.http.AgentServer;
import io.vrouter.agent.linux.LinuxDataplane;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --spare DIR}: an agent JVM started before its router exists, so that a router started later on the host gets
 * an agent that answers at once instead of after a JVM boot. It boots, loads and compiles the code of a big sync
 * ({@link LinuxDataplane#warmUpBeforeStart}) and of the HTTPS server (a throwaway server on the loopback of its own
 * namespace, called a few times over mutual TLS with a throwaway authority), says so ({@value #READY}), then waits
 * for the host agent to write the path of its real config to {@value #HANDOFF}. It opens no channel to the kernel
 * before that: the host agent moves it into the router's namespace first, and the agent then starts as if cold.
 *
 * <p>The wait polls a file: one stat every {@value #POLL_MILLIS} ms costs nothing measurable, and inotify instances
 * are scarce (a host has 128 per user).
 */
final class WarmSpare {
    private static final Logger LOG = LoggerFactory.getLogger(WarmSpare.class);
    /** Written by the spare when it is warm: its pid. */
    static final String READY = "ready";
    /** Written (atomically) by the host agent: the path of the config the spare runs with from then on. */
    static final String HANDOFF = "handoff";
    static final long POLL_MILLIS = 5;
    private static final int WARM_UP_CALLS = 20;

    private WarmSpare() {
    }

    /** Warms the JVM up, says it is ready, and returns the config path once the host agent hands one over. */
    static Path awaitConfig(Path dir) throws IOException, InterruptedException {
        long start = System.nanoTime();
        LinuxDataplane.warmUpBeforeStart();
        warmUpHttps();
        Path tmp = dir.resolve(READY + ".tmp");
        Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
        Files.move(tmp, dir.resolve(READY), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.info("warm spare ready in {} ms; waiting for a router in {}", (System.nanoTime() - start) / 1_000_000, dir);
        Path handoff = dir.resolve(HANDOFF);
        while (!Files.exists(handoff)) {
            Thread.sleep(POLL_MILLIS);
        }
        Path config = Path.of(Files.readString(handoff).strip());
        Files.deleteIfExists(handoff);
        Files.deleteIfExists(dir.resolve(READY));
        try {
            Files.deleteIfExists(dir); // the host agent moved the rest (log, pid) into the router's directory
        } catch (IOException e) {
            LOG.debug("spare directory {} not removed: {}", dir, e.toString());
        }
        LOG.info("warm spare handed over to the router of {}", config);
        return config;
    }

    /**
     * The server side of a mutual-TLS command, as the management node's calls will run it: Jetty, Javalin, the TLS
     * handshake and record layer, the routes. A failure costs only the warm-up.
     */
    private static void warmUpHttps() {
        try {
            CertificateAuthority authority = CertificateAuthority.create("warm-up");
            TlsIdentity agentIdentity = authority.issue(PeerRole.AGENT, "warm-up", List.of("127.0.0.1"));
            TlsIdentity nodeIdentity = authority.issue(PeerRole.MANAGEMENT_NODE, "warm-up", List.of());
            Agent agent = new Agent("warm-up", "warm-up-secret-0123456789", new RecordingDataplane(),
                    new AgentIdentity("warmup", AgentIdentity.NO_JAR_MD5), new RecordingHa());
            try (AgentServer server = AgentServer.start(agent, "127.0.0.1", 0, AgentTls.agentContext(agentIdentity))) {
                SSLContext client = AgentTls.nodeContext(nodeIdentity);
                HttpClient http = HttpClient.newBuilder().sslContext(client).sslParameters(AgentTls.clientParameters(client))
                        .connectTimeout(Duration.ofSeconds(5)).build();
                for (int i = 0; i < WARM_UP_CALLS; i++) {
                    HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + AgentPaths.ECHO))
                            .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                    http.send(request, HttpResponse.BodyHandlers.ofString());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("HTTPS warm-up failed (the agent works without it): {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
