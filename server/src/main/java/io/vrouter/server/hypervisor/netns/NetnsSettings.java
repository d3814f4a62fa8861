package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.protocol.hostagent.AgentJarLocation;

import java.nio.file.Path;

/**
 * What the management node needs of the netns backend on its side.
 *
 * @param dataDir  the node's data directory (the agent it runs for its own machine keeps its files under
 *                 {@code netns/} there)
 * @param agentJar the router agent jar the node ships (its md5 is what a reconnect compares), or null
 */
public record NetnsSettings(Path dataDir, Path agentJar) {
    public static final String AGENT_JAR_PROPERTY = AgentJarLocation.PROPERTY;
    public static final String AGENT_JAR_ENV = AgentJarLocation.ENV;

    public static NetnsSettings fromEnvironment(Path dataDir) {
        return new NetnsSettings(dataDir, AgentJarLocation.fromEnvironment());
    }
}
