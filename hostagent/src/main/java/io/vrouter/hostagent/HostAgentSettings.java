package io.vrouter.hostagent;

import io.vrouter.agent.protocol.hostagent.AgentJarLocation;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a host agent runs on its host.
 *
 * @param workDir                 per-VM files (agent config, jar, logs, pid files, what runs), the name prefix file
 * @param agentJar                the router agent jar routers run, or null when there is none (routers then fail to
 *                                start, saying so)
 * @param agentRestartDelay       how long a dead router agent stays dead before it is restarted (a VM's init system)
 * @param prefix                  the name prefix of everything made on the host, or null to use (or create) the one in
 *                                the work dir
 * @param takesManagementGateway  the host takes the management L3's gateway address on the management L2, so that a
 *                                management node on this same machine reaches the routers' agents (the node's own
 *                                host); on a rack, the datacenter network routes the management L3 and hosts do not
 * @param bridgesWithoutUplink    an L2 whose physical interface this host lacks is a bridge alone (the node's own host
 *                                in a one-host setup, where L2s span nothing but this machine); otherwise such a VM
 *                                start is refused naming the interface
 * @param spareAgents             how many warm spare router agents the host keeps booted (a new router on the host
 *                                takes one instead of booting a JVM); 0: none
 */
public record HostAgentSettings(Path workDir, Path agentJar, Duration agentRestartDelay, String prefix,
                                boolean takesManagementGateway, boolean bridgesWithoutUplink, int spareAgents) {
    public static final String AGENT_JAR_PROPERTY = AgentJarLocation.PROPERTY;
    public static final String AGENT_JAR_ENV = AgentJarLocation.ENV;
    public static final String PREFIX_PROPERTY = "vrouter.netns.prefix";
    public static final String RESTART_DELAY_PROPERTY = "vrouter.netns.agentRestartDelaySeconds";
    public static final String SPARE_AGENTS_PROPERTY = "vrouter.netns.spareAgents";
    /** Spares a host keeps by default: one covers a create or a failover at a time; each costs ~70 MB of memory. */
    public static final int DEFAULT_SPARE_AGENTS = 1;

    public HostAgentSettings {
        if (spareAgents < 0) {
            throw new IllegalArgumentException("spareAgents " + spareAgents + " is negative");
        }
    }

    /** Settings with {@link #spareAgentsFromEnvironment()} spares. */
    public HostAgentSettings(Path workDir, Path agentJar, Duration agentRestartDelay, String prefix,
                             boolean takesManagementGateway, boolean bridgesWithoutUplink) {
        this(workDir, agentJar, agentRestartDelay, prefix, takesManagementGateway, bridgesWithoutUplink, spareAgentsFromEnvironment());
    }

    /** The number of warm spares from {@value #SPARE_AGENTS_PROPERTY}, {@value #DEFAULT_SPARE_AGENTS} by default. */
    public static int spareAgentsFromEnvironment() {
        return Integer.getInteger(SPARE_AGENTS_PROPERTY, DEFAULT_SPARE_AGENTS);
    }

    /** The router agent jar ({@link AgentJarLocation}), or null. */
    public static Path agentJarFromEnvironment() {
        return AgentJarLocation.fromEnvironment();
    }

    /** The restart delay from {@value #RESTART_DELAY_PROPERTY} (seconds), 5 s by default. */
    public static Duration restartDelayFromEnvironment() {
        return Duration.ofSeconds(Long.getLong(RESTART_DELAY_PROPERTY, 5));
    }

    /**
     * The agent the management node embeds for its own machine: files under {@code <dataDir>/netns} (where a
     * one-host installation always kept them, so it finds what it made), takes the management gateway, bridges
     * without uplink.
     */
    public static HostAgentSettings ofNodeHost(Path dataDir) {
        return new HostAgentSettings(dataDir.resolve("netns").toAbsolutePath(), agentJarFromEnvironment(),
                restartDelayFromEnvironment(), System.getProperty(PREFIX_PROPERTY), true, true);
    }
}
