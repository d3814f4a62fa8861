package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.hostagent.HostAgent;
import io.vrouter.hostagent.HostAgentSettings;
import io.vrouter.hostagent.HostTesting;
import io.vrouter.client.ApiClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management node is SIGKILLed while it creates a virtual router (it runs as a child process here), then
 * restarted on the same data: the next guest gets exactly one working router, and no namespace of the installation
 * is left that the database does not know.
 */
@Timeout(300)
class NetnsCrashTest {
    private static final String PASSWORD = "crash-test-password";

    @Test
    void nodeKilledWhileCreatingARouter_restart_oneWorkingRouterAndNoStrayNamespaces(@TempDir Path dir) throws Exception {
        String reason = HostTesting.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        Path dataDir = dir.resolve("data");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // the test side only builds the outside world; it shares the node's prefix through the data dir
        HostAgent hypervisor = new HostAgent(new HostAgentSettings(dataDir.resolve("netns"), null, Duration.ofSeconds(5), null, true, true));
        Process node = startNode(dataDir, port, dir.resolve("node.log"));
        SeedWorld world = null;
        try {
            ApiClient api = ApiClient.forUrl("http://127.0.0.1:" + port).logIn(PASSWORD);
            world = new SeedWorld(api, hypervisor, dir.resolve("outside"), step -> { });
            String prefix = hypervisor.names().prefix();
            SeedWorld w = world;
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> w.userVm("first", w.guestL3));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (vmNamespaces(prefix).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(vmNamespaces(prefix)).as("the router's namespace appeared").isNotEmpty();
            // where the kill lands varies from run to run (nics being plugged, the agent booting, the first sync): each
            // point leaves a different mix of database rows and host state behind
            long delay = java.util.concurrent.ThreadLocalRandom.current().nextLong(1000);
            System.out.println("killing the node " + delay + " ms after the router's namespace appeared");
            Thread.sleep(delay);
            node.destroyForcibly().waitFor(); // SIGKILL
            assertThat(first).failsWithin(Duration.ofSeconds(10));

            node = startNode(dataDir, port, dir.resolve("node.log"));
            api = ApiClient.forUrl("http://127.0.0.1:" + port).logIn(PASSWORD);
            JsonNode vm = api.inventory("CreateVmInstance", "name", "second", "instanceOfferingUuid", w.userOffering,
                    "imageUuid", w.userImage, "l3NetworkUuids", List.of(w.guestL3));
            List<JsonNode> routers = api.query("QueryVirtualRouterVm", "vmNics.l3NetworkUuid", "=", w.guestL3);
            assertThat(routers).hasSize(1);
            assertThat(routers.get(0).get("status").asText()).isEqualTo("Connected");
            GuestProbe guest = w.probe(vm.get("uuid").asText());
            assertThat(GuestProbe.await(Duration.ofSeconds(60), guest::address)).isEqualTo(SeedWorld.ipOn(vm, w.guestL3));
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME))).isEqualTo(SeedWorld.OUTSIDE_IP);

            Set<String> known = new HashSet<>();
            api.ok("QueryVmInstance", Map.of("conditions", List.of())).get("inventories").forEach(v -> known.add(v.get("uuid").asText()));
            api.query("QueryVirtualRouterVm").forEach(v -> known.add(v.get("uuid").asText()));
            for (String ns : vmNamespaces(prefix)) {
                assertThat(known).as("namespace " + ns + " belongs to a VM of the database").contains(hypervisor.names().vmOfNamespace(ns));
            }
        } catch (Throwable t) {
            // the node's log lives in the test's temporary directory, gone after the test: what the node did is the
            // only clue to a failure that depends on where the SIGKILL landed
            Path log = dir.resolve("node.log");
            if (Files.isRegularFile(log)) {
                List<String> lines = Files.readAllLines(log);
                System.out.println("NetnsCrashTest failed; the node's log, last 200 lines:");
                lines.subList(Math.max(0, lines.size() - 200), lines.size()).forEach(System.out::println);
            }
            throw t;
        } finally {
            node.destroyForcibly().waitFor();
            if (world != null) {
                world.close();
            }
            hypervisor.cleanAll();
            assertThat(HostTesting.leftovers(hypervisor.names().prefix())).isEmpty();
        }
    }

    private static List<String> vmNamespaces(String prefix) throws Exception {
        List<String> found = new ArrayList<>();
        if (Files.isDirectory(Path.of("/run/netns"))) {
            try (var entries = Files.list(Path.of("/run/netns"))) {
                entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix + "-")).forEach(found::add);
            }
        }
        return found;
    }

    private static Process startNode(Path dataDir, int port, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.vrouter.node.ServerMain", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString(), "--admin-password", PASSWORD)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put(HostAgentSettings.AGENT_JAR_ENV, HostTesting.agentJar().toString());
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                ApiClient.forUrl("http://127.0.0.1:" + port).logIn(PASSWORD);
                return p;
            } catch (RuntimeException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the node exited: " + Files.readString(log));
                }
                Thread.sleep(200);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the node did not answer within 60 s: " + Files.readString(log));
    }
}
