package io.vrouter.hostagent;

import io.vrouter.agent.tls.TlsIdentity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The router agents of a host: the agent jar the management node ships, copied into each router's directory on
 * the host, its config ({@code agent.json}, 0600: it holds the secret) and the agent process, run with
 * {@code ip netns exec <router's namespace> java -jar} and supervised (restarted after the restart delay, as a VM's
 * init system would).
 */
final class RouterAgentDeployment {
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

    private final NetnsHost host;
    private final Path agentJar;
    private final Duration restartDelay;
    private final ProcessSupervisor supervisor;

    /**
     * @param agentJar     the agent package on this host, or null when there is none (routers then fail to start,
     *                     saying how to build it)
     * @param restartDelay how long a dead agent stays dead before it is restarted
     */
    RouterAgentDeployment(NetnsHost host, Path agentJar, Duration restartDelay, ProcessSupervisor supervisor) {
        this.host = host;
        this.agentJar = agentJar;
        this.restartDelay = restartDelay;
        this.supervisor = supervisor;
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
        if (pid(config.vmUuid()) < 0) {
            spawn(config.vmUuid());
        }
        supervisor.watch(config.vmUuid(), new ProcessSupervisor.Watch("the agent of router " + config.name() + " (" + config.vmUuid() + ")",
                restartDelay, () -> pid(config.vmUuid()) > 0, () -> spawn(config.vmUuid())));
    }

    /** Installs the shipped jar in the router (an atomic rename) and restarts its agent with {@code config}: an upgrade. */
    void redeploy(AgentConfig config) {
        Path dir = host.vmDir(config.vmUuid());
        copyJar(dir);
        ProcessSupervisor.stop(pidFile(config.vmUuid()), configFile(config.vmUuid()).toString(), VmNamespaces.STOP_GRACE);
        writeConfig(config);
        spawn(config.vmUuid());
        supervisor.restarted(config.vmUuid());
    }

    /** The pid of the router's agent, or -1 when none runs. */
    long pid(String vmUuid) {
        return ProcessSupervisor.livePid(pidFile(vmUuid), configFile(vmUuid).toString());
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

    private void spawn(String vmUuid) {
        Path dir = host.vmDir(vmUuid);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessSupervisor.spawn(vmUuid, dir.resolve("agent.pid"), dir.resolve("agent.log"), Map.of(),
                List.of("ip", "netns", "exec", host.names().namespace(vmUuid), java, "-Xss512k", "-Xmx96m", "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-jar", dir.resolve(JAR).toString(),
                        "--config", configFile(vmUuid).toString()));
    }
}
