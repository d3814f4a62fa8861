package io.vrouter.agent.http;

import io.javalin.Javalin;
import io.vrouter.agent.core.Agent;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.TlsIdentity;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.util.ssl.SslContextFactory;
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
        return start(agent, host, port, tls == null ? null : AgentListener.clientCertificateRequired(tls), null);
    }

    /** Where an agent keeps its TLS identity: a rotated one is saved there before it is used. */
    @FunctionalInterface
    public interface IdentityStore {
        void save(TlsIdentity identity);
    }

    /**
     * Over mutual TLS with {@code identity}, which the management node may replace while the agent runs
     * ({@link io.vrouter.agent.protocol.AgentPaths#ROTATE_CERTIFICATE}): the new one is saved with {@code store}, then
     * presented from the next handshake on, without dropping a connection.
     */
    public static AgentServer start(Agent agent, String host, int port, TlsIdentity identity, IdentityStore store) {
        SslContextFactory.Server factory = AgentListener.clientCertificateRequired(AgentTls.agentContext(identity));
        return start(agent, host, port, factory, new CertificateRotation(factory, identity, store));
    }

    private static AgentServer start(Agent agent, String host, int port, SslContextFactory.Server tls,
            CertificateRotation rotation) {
        Javalin app = Javalin.create(config -> {
            // a VR agent sees a handful of concurrent commands; a small pool keeps its memory small
            QueuedThreadPool pool = new QueuedThreadPool(32, 4);
            pool.setName("agent-http");
            config.jetty.threadPool = pool;
            if (rotation != null) {
                AgentRoutes.rotation(config, agent, rotation);
            }
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
