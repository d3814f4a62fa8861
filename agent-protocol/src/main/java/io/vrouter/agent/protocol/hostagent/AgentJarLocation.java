package io.vrouter.agent.protocol.hostagent;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the router agent jar is: the management node ships it (its md5 is what a reconnect compares) and the host
 * agents run it in routers. {@value #PROPERTY} or {@value #ENV}, else {@code agent/target/vrouter-agent.jar} under
 * the working directory (where the launcher runs), else none.
 */
public final class AgentJarLocation {
    public static final String PROPERTY = "vrouter.netns.agentJar";
    public static final String ENV = "VROUTER_AGENT_JAR";

    private AgentJarLocation() {
    }

    /** The jar, or null when there is none. */
    public static Path fromEnvironment() {
        String jar = System.getProperty(PROPERTY, System.getenv(ENV));
        if (jar != null && !jar.isBlank()) {
            return Path.of(jar).toAbsolutePath();
        }
        Path built = Path.of("agent", "target", "vrouter-agent.jar");
        return Files.isRegularFile(built) ? built.toAbsolutePath() : null;
    }
}
