package io.vrouter.server.hypervisor.netns;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the netns backend runs on this host.
 *
 * @param workDir           per-VM files (agent config, jar, logs, pid files), under the node's data directory
 * @param agentJar          the agent jar appliances run, or null when none was found (appliances then fail to start,
 *                          saying so)
 * @param agentRestartDelay how long a dead agent stays dead before the backend restarts it (a VM's init system)
 * @param prefix            the per-installation name prefix, or null to use (or create) the one in the work dir
 */
public record NetnsSettings(Path workDir, Path agentJar, Duration agentRestartDelay, String prefix) {
    public static final String AGENT_JAR_PROPERTY = "vrouter.netns.agentJar";
    public static final String AGENT_JAR_ENV = "VROUTER_AGENT_JAR";
    public static final String PREFIX_PROPERTY = "vrouter.netns.prefix";
    public static final String RESTART_DELAY_PROPERTY = "vrouter.netns.agentRestartDelaySeconds";

    /**
     * From system properties and the environment: the agent jar from {@value #AGENT_JAR_PROPERTY} or
     * {@value #AGENT_JAR_ENV}, else {@code agent/target/vrouter-agent.jar} under the working directory (where the
     * launcher runs), else none.
     */
    public static NetnsSettings fromEnvironment(Path dataDir) {
        String jar = System.getProperty(AGENT_JAR_PROPERTY, System.getenv(AGENT_JAR_ENV));
        Path agentJar = null;
        if (jar != null && !jar.isBlank()) {
            agentJar = Path.of(jar).toAbsolutePath();
        } else if (Files.isRegularFile(Path.of("agent", "target", "vrouter-agent.jar"))) {
            agentJar = Path.of("agent", "target", "vrouter-agent.jar").toAbsolutePath();
        }
        long delay = Long.getLong(RESTART_DELAY_PROPERTY, 5);
        return new NetnsSettings(dataDir.resolve("netns").toAbsolutePath(), agentJar, Duration.ofSeconds(delay),
                System.getProperty(PREFIX_PROPERTY));
    }
}
