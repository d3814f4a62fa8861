package io.vrouter.hostagent;

import io.vrouter.agent.tls.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router agents of a host: the agent jar the management node ships, copied into each router's directory on
 * the host, its config ({@code agent.json}, 0600: it holds the secret) and the agent process, run with
 * {@code ip netns exec <router's namespace> java -jar} and supervised (restarted after the restart delay, as a VM's
 * init system would). A new router takes a warm spare agent when the host has one ready ({@link SpareRouterAgents});
 * cold starts run from the host's jar cache with its class-data archive ({@link AgentJarCache}).
 */
final class RouterAgentDeployment {
    private static final Logger LOG = LoggerFactory.getLogger(RouterAgentDeployment.class);
    private static final String JAR = "vrouter-agent.jar";
    private static final String CONFIG = "agent.json";

    /**
     * What a router's agent runs with.
     *
     * @param name          the router's name, for messages
     * @param listenAddress its management nic's address, where the management node reaches it
     * @param tls           its key and certificate, of the installation's authority
     * @param managementNodeAddress the only address its port answers: where the management node's calls come from
     */
    record AgentConfig(String vmUuid, String name, String listenAddress, int port, String secret, TlsIdentity tls,
                       String managementNodeAddress) {
    }

    static final String TLS_DIRECTORY = "agent-tls";

    /**
     * In a router's directory when its agent was a warm spare: what the agent's command line holds instead of the
     * config's path (the spare's directory), to tell it from another process that got its pid.
     */
    private static final String MARKER = "agent.marker";

    private final NetnsHost host;
    private final Path agentJar;
    private final Duration restartDelay;
    private final ProcessSupervisor supervisor;
    private final AgentJarCache jars;
    private final SpareRouterAgents spares;
    /** Spares moved into a router's namespace by {@link #claimSpare}, not yet handed their config. */
    private final Map<String, SpareRouterAgents.Spare> claimed = new ConcurrentHashMap<>();

    /**
     * @param agentJar     the agent package on this host, or null when there is none (routers then fail to start,
     *                     saying how to build it)
     * @param restartDelay how long a dead agent stays dead before it is restarted
     */
    RouterAgentDeployment(NetnsHost host, Path agentJar, Duration restartDelay, ProcessSupervisor supervisor,
                          AgentJarCache jars, SpareRouterAgents spares) {
        this.host = host;
        this.agentJar = agentJar;
        this.restartDelay = restartDelay;
        this.supervisor = supervisor;
        this.jars = jars;
        this.spares = spares;
    }

    /**
     * Before a router's namespace is made: when it does not exist yet (a new router on this host: a create, a
     * failover) and a warm spare of the jar the router runs is ready, the spare's namespace becomes the router's;
     * {@link #ensureRunning} then hands the spare its config instead of booting a JVM. Otherwise nothing.
     */
    void claimSpare(String vmUuid) {
        String ns = host.names().namespace(vmUuid);
        if (claimed.containsKey(vmUuid) || host.kernel().namespaceExists(ns)) {
            return;
        }
        Path routerJar = host.vmDir(vmUuid).resolve(JAR);
        Path needed = Files.isRegularFile(routerJar) ? routerJar : agentJar;
        if (needed == null || !Files.isRegularFile(needed)) {
            return;
        }
        spares.take(jars.md5(needed)).filter(spare -> spares.attach(spare, ns)).ifPresent(spare -> claimed.put(vmUuid, spare));
    }

    /**
     * Ensures the router's agent runs with {@code config} (the jar copied in when missing, the config written), and
     * keeps it running until the router is unwatched. A running agent is left as it is.
     */
    void ensureRunning(AgentConfig config) {
        Path dir = host.vmDir(config.vmUuid());
        if (!Files.isRegularFile(dir.resolve(JAR))) {
            copyJar(dir);
        }
        writeConfig(config);
        SpareRouterAgents.Spare spare = claimed.remove(config.vmUuid());
        if (pid(config.vmUuid()) < 0) {
            if (spare == null || !handOver(config.vmUuid(), spare)) {
                spawn(config.vmUuid());
            }
        } else if (spare != null) {
            ProcessHandle.of(spare.pid()).ifPresent(ProcessHandle::destroy); // an agent runs already: the spare is not needed
        }
        supervisor.watch(config.vmUuid(), new ProcessSupervisor.Watch("the agent of router " + config.name() + " (" + config.vmUuid() + ")",
                restartDelay, () -> pid(config.vmUuid()) > 0, () -> spawn(config.vmUuid())));
    }

    /** Installs the shipped jar in the router (an atomic rename) and restarts its agent with {@code config}: an upgrade. */
    void redeploy(AgentConfig config) {
        Path dir = host.vmDir(config.vmUuid());
        copyJar(dir);
        ProcessSupervisor.stop(pidFile(config.vmUuid()), marker(config.vmUuid()), VmNamespaces.STOP_GRACE);
        writeConfig(config);
        spawn(config.vmUuid());
        supervisor.restarted(config.vmUuid());
    }

    /** The pid of the router's agent, or -1 when none runs. */
    long pid(String vmUuid) {
        return ProcessSupervisor.livePid(pidFile(vmUuid), marker(vmUuid));
    }

    /** What the command line of the router's agent holds: its config's path, or the directory of the spare it was. */
    private String marker(String vmUuid) {
        Path marker = host.vmDir(vmUuid).resolve(MARKER);
        try {
            return Files.isRegularFile(marker) ? Files.readString(marker).strip() : configFile(vmUuid).toString();
        } catch (IOException e) {
            return configFile(vmUuid).toString();
        }
    }

    /**
     * Makes the claimed spare the router's agent: its log and pid file move into the router's directory (supervision,
     * stop, destroy and a host agent's restart then find it as they find a cold-started one), then it gets the config.
     * False, with the spare killed, when it cannot be: the caller starts the agent cold.
     */
    private boolean handOver(String vmUuid, SpareRouterAgents.Spare spare) {
        Path dir = host.vmDir(vmUuid);
        try {
            if (Files.exists(spare.log())) {
                Files.move(spare.log(), dir.resolve("agent.log"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(dir.resolve(MARKER), spare.marker() + "\n");
            Files.writeString(pidFile(vmUuid), spare.pid() + "\n");
            spares.handOver(spare, configFile(vmUuid));
            if (pid(vmUuid) > 0) {
                LOG.info("router {}: its agent is warm spare {} (pid {}), handed its config", vmUuid, spare.id(), spare.pid());
                return true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot hand spare agent {} over to router {}: {}", spare.id(), vmUuid, e.toString());
        }
        ProcessHandle.of(spare.pid()).ifPresent(ProcessHandle::destroyForcibly);
        return false;
    }

    private Path pidFile(String vmUuid) {
        return host.vmDir(vmUuid).resolve("agent.pid");
    }

    private Path configFile(String vmUuid) {
        return host.vmDir(vmUuid).resolve(CONFIG);
    }

    private void copyJar(Path dir) {
        if (agentJar == null || !Files.isRegularFile(agentJar)) {
            throw new HostAgentException("the netns backend has no agent jar to run in routers (looked for "
                    + (agentJar == null ? "agent/target/vrouter-agent.jar" : agentJar) + "); build it (mvn -pl agent package) or set "
                    + HostAgentSettings.AGENT_JAR_ENV);
        }
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(JAR + ".tmp");
            Files.copy(agentJar, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, dir.resolve(JAR), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HostAgentException("cannot copy the agent jar " + agentJar + " to " + dir + ": " + e, e);
        }
    }

    private void writeConfig(AgentConfig config) {
        if (config.secret() == null) {
            throw new HostAgentException("appliance VM " + config.name() + " (" + config.vmUuid() + ") has no agentSecret boot parameter");
        }
        if (config.tls() == null || config.managementNodeAddress() == null) {
            throw new HostAgentException("appliance VM " + config.name() + " (" + config.vmUuid() + ") came without its agent's TLS"
                    + " identity or the management node's address: the management node issues them with every start");
        }
        Path dir = host.vmDir(config.vmUuid());
        Path tlsDir = dir.resolve(TLS_DIRECTORY);
        String json = "{\"name\":\"" + config.vmUuid() + "\",\"listenAddress\":\"" + config.listenAddress()
                + "\",\"port\":" + config.port() + ",\"secret\":\"" + config.secret() + "\",\"dataDir\":\""
                + dir.resolve("agent-data") + "\",\"dataplane\":\"linux\",\"logLevel\":\"info\",\"cleanOnStop\":false"
                + ",\"tls\":{\"key\":\"" + tlsDir.resolve(TlsIdentity.KEY_FILE) + "\",\"certificate\":\""
                + tlsDir.resolve(TlsIdentity.CERTIFICATE_FILE) + "\",\"authority\":\"" + tlsDir.resolve(TlsIdentity.AUTHORITY_FILE)
                + "\"},\"managementNodeAddresses\":[\"" + config.managementNodeAddress() + "\"]}\n";
        try {
            Files.createDirectories(dir);
            config.tls().writeTo(tlsDir);
            // the secret is never in a readable file, not even for a moment: a 0600 file written, then moved in place
            Path tmp = Files.createTempFile(dir, ".agent", ".json", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, json);
            Files.move(tmp, dir.resolve(CONFIG), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HostAgentException("cannot write the agent config of router " + config.vmUuid() + ": " + e, e);
        }
    }

    /**
     * A cold start: the router's jar, run from the host's jar cache so that the jar's class-data archive applies (the
     * router's own copy when the cache cannot have it).
     */
    private void spawn(String vmUuid) {
        Path dir = host.vmDir(vmUuid);
        try {
            Files.deleteIfExists(dir.resolve(MARKER));
        } catch (IOException e) {
            throw new HostAgentException("cannot remove " + dir.resolve(MARKER) + ": " + e, e);
        }
        Path jar = dir.resolve(JAR);
        List<String> flags = List.of();
        try {
            AgentJarCache.Jar cached = jars.install(jar);
            jar = cached.jar();
            flags = cached.archiveFlags();
        } catch (HostAgentException e) {
            LOG.warn("running router {}'s agent from its own jar: {}", vmUuid, e.getMessage());
        }
        List<String> argv = new ArrayList<>(agentCommand(host.names().namespace(vmUuid), jar, flags));
        argv.addAll(List.of("--config", configFile(vmUuid).toString()));
        ProcessSupervisor.spawn(vmUuid, dir.resolve("agent.pid"), dir.resolve("agent.log"), Map.of(), argv);
    }

    /** {@code ip netns exec <ns> java <the agent's JVM flags> <jvmFlags> -jar <jar>}: every agent JVM, cold or spare. */
    static List<String> agentCommand(String namespace, Path jar, List<String> jvmFlags) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace, java, "-Xss512k", "-Xmx96m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData"));
        argv.addAll(jvmFlags);
        argv.addAll(List.of("-jar", jar.toString()));
        return argv;
    }
}
