package io.vrouter.agent.http;

import io.javalin.Javalin;
import io.vrouter.agent.core.Agent;
import io.vrouter.agent.protocol.AgentPaths;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Many agents in one HTTP server, each under {@code /agents/<id>/}: how the management node's simulator runs a
 * thousand virtual routers in one process while still talking real HTTP to them. Agents can be mounted and
 * unmounted while the server runs; they share one small thread pool.
 *
 * <pre>{@code
 * AgentHost host = AgentHost.start("127.0.0.1", 0, 32);
 * RecordingDataplane dp = new RecordingDataplane();
 * host.mount("vr-1", new Agent("vr-1", secret, dp, identity));
 * AgentClient client = new AgentClient(http, host.baseUrl("vr-1"), secret, Duration.ofSeconds(5));
 * }</pre>
 */
public final class AgentHost implements AutoCloseable {

    private final Map<String, Agent> agents = new ConcurrentHashMap<>();
    private final Javalin app;
    private final String host;
    private final SSLContext tls;

    private AgentHost(String host, int port, int threads, SSLContext tls) {
        this.host = host;
        this.tls = tls;
        this.app = Javalin.create(config -> {
            QueuedThreadPool pool = new QueuedThreadPool(Math.max(threads, 8), Math.min(4, Math.max(threads, 8)));
            pool.setName("agent-host");
            config.jetty.threadPool = pool;
            AgentRoutes.mounted(config, agents::get);
            AgentListener.listen(config, host, port, tls);
        });
        app.start();
    }

    /**
     * Starts an empty host on {@code host:port} (port 0: any free port) whose request threads number at most
     * {@code threads} (at least 8: Jetty needs some for itself), over plain HTTP.
     */
    public static AgentHost start(String host, int port, int threads) {
        return new AgentHost(host, port, threads, null);
    }

    /**
     * The same over mutual TLS: every agent mounted here presents the certificate of {@code tls}
     * ({@link io.vrouter.agent.tls.AgentTls#agentContext}), issued for {@code host}, and requires the management node's.
     */
    public static AgentHost start(String host, int port, int threads, SSLContext tls) {
        return new AgentHost(host, port, threads, java.util.Objects.requireNonNull(tls, "tls"));
    }

    /** Makes {@code agent} reachable at {@link #baseUrl(String) baseUrl(id)}; replaces an agent with that id. */
    public void mount(String id, Agent agent) {
        if (id == null || id.isEmpty() || id.contains("/")) {
            throw new IllegalArgumentException("agent id must be non-empty and without '/': '" + id + "'");
        }
        agents.put(id, agent);
    }

    /** Removes the agent: later calls get 404, as from a VR that is gone. Returns it, or null. */
    public Agent unmount(String id) {
        return agents.remove(id);
    }

    public Agent agent(String id) {
        return agents.get(id);
    }

    public int size() {
        return agents.size();
    }

    public int port() {
        return app.port();
    }

    /** The base URL to give {@link io.vrouter.agent.protocol.AgentClient} for the agent {@code id}. */
    public String baseUrl(String id) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return AgentListener.scheme(tls) + "://" + h + ":" + port() + AgentPaths.MOUNT_PREFIX + id;
    }

    @Override
    public void close() {
        app.stop();
        agents.clear();
    }
}
