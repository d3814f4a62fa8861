package io.vrouter.tools.demo;

import io.vrouter.agent.http.InProcessAgentHost;
import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.platform.files.FileTrees;
import io.vrouter.server.Clock;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.NodeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One run of a benchmark on a {@link MultiHostLab}: the lab in a temporary directory, a management node on that
 * directory (routers' agents in process), the {@link MultiHostWorld} on top; closed in reverse, the directory deleted.
 */
final class LabBench implements AutoCloseable {
    private static final String PASSWORD = "bench-password";

    private final Path dir;
    private final MultiHostLab lab;
    private final NodeOptions options;
    private ManagementNode node;
    private MultiHostWorld world;

    private LabBench(Path dir, MultiHostLab lab) {
        this.dir = dir;
        this.lab = lab;
        this.options = new NodeOptions("127.0.0.1", 0, dir.resolve("node"), null, null, null, PASSWORD);
    }

    /**
     * True, with "{@code bench} benchmark: cannot run here: reason" on stderr, when {@code reason} is not null.
     *
     * @param bench the benchmark's name as its messages start
     */
    static boolean cannotRun(String bench, String reason) {
        if (reason == null) {
            return false;
        }
        System.err.println(bench + " benchmark: cannot run here: " + reason);
        return true;
    }

    /** True, with the reason on stderr, when this machine cannot make a {@link MultiHostLab}. */
    static boolean cannotRunLab(String bench) {
        return cannotRun(bench, MultiHostLab.unavailableReason());
    }

    static LabBench open(String dirPrefix) throws IOException {
        Path dir = Files.createTempDirectory(dirPrefix);
        return new LabBench(dir, MultiHostLab.create(dir.resolve("lab")));
    }

    MultiHostLab lab() {
        return lab;
    }

    /**
     * Starts a management node on the run's data directory (a second one after {@link #stopNode} finds the first's
     * database) and logs in.
     */
    ApiClient startNode() {
        node = new ManagementNode(options, Clock.SYSTEM, new InProcessAgentHost());
        return ApiClient.forUrl(node.start()).logIn(PASSWORD);
    }

    /** The node stops cleanly; hosts and routers run on. */
    void stopNode() {
        node.close();
        node = null;
    }

    /** The world on {@code hosts} of the lab's hosts, its steps not printed; closed with the run. */
    MultiHostWorld world(ApiClient api, int hosts) {
        world = new MultiHostWorld(api, lab, hosts, dir.resolve("outside"), step -> { });
        awaitSpares();
        return world;
    }

    /** Router starts are measured on hosts that have run a while: their warm spare agents are ready. */
    private void awaitSpares() {
        if (!lab.awaitSpareAgents(java.time.Duration.ofSeconds(180))) {
            System.err.println("(the hosts' spare router agents were not all ready after 180 s; measuring anyway)");
        }
    }

    /** @param cpuCapacity CPUs each host reports */
    MultiHostWorld world(ApiClient api, int hosts, long cpuCapacity) {
        world = new MultiHostWorld(api, lab, hosts, dir.resolve("outside"), step -> { }, cpuCapacity);
        awaitSpares();
        return world;
    }

    @Override
    public void close() {
        if (world != null) {
            world.close();
        }
        if (node != null) {
            node.close();
        }
        lab.close();
        FileTrees.delete(dir);
    }
}
