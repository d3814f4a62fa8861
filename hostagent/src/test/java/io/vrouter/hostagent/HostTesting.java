package io.vrouter.hostagent;

import io.vrouter.platform.process.CommandRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the netns tests need of the machine, and what they check after themselves. */
public final class HostTesting {
    private HostTesting() {
    }

    /** The agent jar the build made (a module's tests run in its directory). */
    public static Path agentJar() {
        return built("agent", "vrouter-agent.jar");
    }

    /** The host agent jar the build made, or null. */
    public static Path hostAgentJar() {
        return built("hostagent", "vrouter-host-agent.jar");
    }

    private static Path built(String module, String jar) {
        for (Path candidate : List.of(Path.of("..", module, "target", jar), Path.of(module, "target", jar))) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    /** Null when the end-to-end tests can run here, else why not. */
    public static String unavailableReason() {
        String problems = new HostCheck().problems();
        if (problems != null) {
            return "needs a Netns-capable host: " + problems;
        }
        for (String tool : List.of("dig", "ss", "bash")) {
            if (!HostCheck.onPath(tool)) {
                return "needs '" + tool + "' (dnsutils / iproute2 / bash)";
            }
        }
        if (agentJar() == null) {
            return "needs the agent jar agent/target/vrouter-agent.jar (mvn -pl agent package)";
        }
        return null;
    }

    /** Links of the host namespace that start with {@code prefix} and are not the test's own extras ({@code x}). */
    public static List<String> hostLinks(String prefix) {
        CommandRunner runner = new CommandRunner(Duration.ofSeconds(10));
        return runner.run(List.of("ip", "-o", "link", "show"), null).stdout().lines()
                .map(l -> l.split(":\\s+")[1].split("@")[0])
                .filter(n -> n.startsWith(prefix) && !n.startsWith(prefix + "x")).toList();
    }

    /** Namespaces and links of the host that start with {@code prefix}. */
    public static List<String> leftovers(String prefix) {
        CommandRunner runner = new CommandRunner(Duration.ofSeconds(10));
        List<String> found = new ArrayList<>();
        runner.run(List.of("ip", "netns", "list"), null).stdout().lines()
                .map(l -> l.split("\\s+")[0]).filter(n -> n.startsWith(prefix)).forEach(found::add);
        runner.run(List.of("ip", "-o", "link", "show"), null).stdout().lines()
                .map(l -> l.split(":\\s+")[1].split("@")[0]).filter(n -> n.startsWith(prefix)).forEach(found::add);
        return found;
    }
}
