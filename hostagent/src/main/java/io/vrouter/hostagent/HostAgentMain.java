package io.vrouter.hostagent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.TlsIdentity;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./vrouter host-agent --listen ADDR:PORT --data-dir DIR --secret-file FILE}: the host agent, as root, until
 * SIGTERM. The secret is the file's content; a file that does not exist gets a new random secret (0600), which the
 * operator gives to {@code AddNetnsHost agentSecret=}. The agent serves over mutual TLS with the identity in
 * {@code --tls-dir}; without one yet it first waits, on the same address, to be enrolled by the management node with
 * that secret ({@link HostEnrollmentServer}). At start the agent adopts the VMs its last run left running.
 */
@Command(name = "vrouter host-agent", mixinStandardHelpOptions = true, version = "vrouter host-agent",
        description = "Runs the host agent: makes on this host the bridges, VMs and routers the management node asks for.",
        sortOptions = false)
public final class HostAgentMain implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", required = true,
            description = "address and port to serve on: the host's management address, e.g. 10.0.0.11:7070")
    private String listen;

    @Option(names = "--data-dir", paramLabel = "DIR", required = true, description = "where the agent keeps its files")
    private Path dataDir;

    @Option(names = "--secret-file", paramLabel = "FILE", required = true,
            description = "the secret callers must present; created with a new random secret when missing")
    private Path secretFile;

    @Option(names = "--tls-dir", paramLabel = "DIR",
            description = "the agent's key, certificate and the installation's authority (default: <data-dir>/tls); created"
                    + " when the management node enrolls this agent; remove it to enroll the agent again")
    private Path tlsDir;

    @Option(names = "--agent-jar", paramLabel = "FILE",
            description = "the router agent jar routers run (default: $VROUTER_AGENT_JAR, else agent/target/vrouter-agent.jar)")
    private Path agentJar;

    @Option(names = "--name-prefix", paramLabel = "PREFIX",
            description = "prefix of every name the agent makes on this host, 2-6 of [a-z0-9] (default: chosen and saved in the data dir)")
    private String prefix;

    @Option(names = "--take-management-gateway",
            description = "give this host the routers' management gateway address (only where nothing else routes the management network to the node)")
    private boolean takeManagementGateway;

    @Option(names = "--spare-agents", paramLabel = "N",
            description = "warm spare router agents to keep booted, so a new router's agent answers at once (default: "
                    + HostAgentSettings.DEFAULT_SPARE_AGENTS + ", or -D" + HostAgentSettings.SPARE_AGENTS_PROPERTY + "); 0: none")
    private Integer spareAgents;

    @Option(names = "--log-level", defaultValue = "info", description = "debug, info, warn (default: ${DEFAULT-VALUE})")
    private String logLevel;

    public static void main(String[] args) {
        int code = new CommandLine(new HostAgentMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new ParameterException(spec.commandLine(), "--listen " + listen + " is not ADDR:PORT");
        }
        String address = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--listen " + listen + ": the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--listen " + listen + ": the port is outside 0-65535");
        }
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.toLevel(logLevel, Level.INFO));
        String secret = readOrCreateSecret(secretFile);
        Path jar = agentJar != null ? agentJar.toAbsolutePath() : HostAgentSettings.agentJarFromEnvironment();
        HostAgent agent = new HostAgent(new HostAgentSettings(dataDir.resolve("netns").toAbsolutePath(), jar,
                HostAgentSettings.restartDelayFromEnvironment(), prefix, takeManagementGateway, false,
                spareAgents != null ? spareAgents : HostAgentSettings.spareAgentsFromEnvironment()));
        Path tls = (tlsDir != null ? tlsDir : dataDir.resolve("tls")).toAbsolutePath();
        HostAgentServer server = serve(agent, secret, address, port, tls);
        TlsIdentity identity = HostEnrollmentServer.read(tls);
        agent.adopt();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
                agent.close(); // the VMs' processes keep running: the next agent adopts them
            } finally {
                stopped.countDown();
            }
        }, "host-agent-shutdown"));
        System.out.println("vrouter host agent listening on https://" + address + ":" + server.port() + " (data dir " + dataDir
                + ", secret in " + secretFile + ", certificate " + identity.subject() + " in " + tls + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * Serves {@code agent} on {@code address:port} over mutual TLS with the identity in {@code tlsDir}; without one,
     * first waits there to be enrolled by the management node ({@link HostEnrollmentServer#readOrEnroll}).
     */
    public static HostAgentServer serve(HostAgent agent, String secret, String address, int port, Path tlsDir)
            throws InterruptedException {
        TlsIdentity identity = HostEnrollmentServer.readOrEnroll(tlsDir, secret, address, port);
        return HostAgentServer.start(agent, secret, address, port, AgentTls.hostAgentContext(identity));
    }

    /** The secret in {@code file}; a new random one written there (0600) when the file does not exist. */
    static String readOrCreateSecret(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String secret = Files.readString(file).strip();
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("the secret file " + file + " is empty");
            }
            return secret;
        }
        String secret = newSecret();
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, secret + "\n");
        System.out.println("vrouter host agent: generated a new secret in " + file);
        return secret;
    }

    /** A new random secret: 32 bytes as hex. */
    public static String newSecret() {
        return InProcessHostAgent.randomHex(32);
    }

}
