package io.vrouter.tools.demo;

import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.HostAgentSettings;
import io.vrouter.hostagent.HostTesting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A management node as a child process ({@code ServerMain} on this test's class path), so that a test can SIGKILL
 * it as a crash would and start another on the same data directory.
 */
final class NodeProcess {
    private final Process process;
    final ApiClient api;

    private NodeProcess(Process process, ApiClient api) {
        this.process = process;
        this.api = api;
    }

    /** Starts a node and waits until the admin can log in; its output is appended to {@code log}. */
    static NodeProcess start(Path dataDir, int port, String adminPassword, Path log) throws Exception {
        return start(dataDir, port, adminPassword, log, null);
    }

    /** The same on the database at {@code jdbcUrl} (PostgreSQL, shared with other nodes), or the embedded one when null. */
    static NodeProcess start(Path dataDir, int port, String adminPassword, Path log, String jdbcUrl) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.vrouter.node.ServerMain", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString(), "--admin-password", adminPassword));
        if (jdbcUrl != null) {
            argv.addAll(List.of("--db", jdbcUrl));
        }
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Path agentJar = HostTesting.agentJar();
        if (agentJar != null) { // the netns backend's routers run it; the Simulator's run in the node
            pb.environment().put(HostAgentSettings.AGENT_JAR_ENV, agentJar.toString());
        }
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                return new NodeProcess(p, ApiClient.forUrl("http://127.0.0.1:" + port).logIn(adminPassword));
            } catch (RuntimeException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the node exited: " + Files.readString(log));
                }
                Thread.sleep(200);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the node did not answer within 90 s: " + Files.readString(log));
    }

    /** SIGKILL: nothing of the node's shutdown runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
