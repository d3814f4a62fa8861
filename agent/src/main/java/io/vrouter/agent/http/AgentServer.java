package io.vrouter.agent.http;

import io.javalin.Javalin;
import io.vrouter.agent.core.Agent;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** One agent on its own address and port: how the agent runs inside a real appliance. */
public final class AgentServer implements AutoCloseable {

    private final Javalin app;

    private AgentServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts serving {@code agent} on {@code host:port} (port 0: any free port): over mutual TLS with {@code tls}
     * ({@link io.vrouter.agent.tls.AgentTls#agentContext}), over plain HTTP when it is null (labs only).
     */
    public static AgentServer start(Agent agent, String host, int port, SSLContext tls) {
        Javalin app = Javalin.create(config -> {
            // a VR agent sees a handful of concurrent commands; a small pool keeps its memory small
            QueuedThreadPool pool = new QueuedThreadPool(32, 4);
            pool.setName("agent-http");
            config.jetty.threadPool = pool;
            AgentRoutes.single(config, agent);
            AgentListener.listen(config, host, port, tls);
        });
        app.start();
        return new AgentServer(app);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
