package io.vrouter.agent.http;

import io.javalin.config.JavalinConfig;
import io.vrouter.agent.tls.AgentTls;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The agent's one listening socket: HTTPS with a required client certificate when given a TLS context (how agents
 * run), plain HTTP without (labs and the benchmark's baseline only).
 */
final class AgentListener {
    /**
     * Idle connections stay open this long. The management node pings every router every few seconds and sends
     * commands in bursts: a kept connection spares a handshake per call, and an idle one costs a few KiB.
     */
    static final long IDLE_TIMEOUT_MS = 5 * 60_000L;

    private AgentListener() {
    }

    /** Makes Javalin listen on {@code host:port} only through this connector (Javalin then adds no default one). */
    static void listen(JavalinConfig config, String host, int port, SSLContext tls) {
        listen(config, host, port, tls == null ? null : clientCertificateRequired(tls));
    }

    /** The same with the TLS factory given ({@code null}: plain HTTP), so that its context can be reloaded later. */
    static void listen(JavalinConfig config, String host, int port, SslContextFactory.Server tls) {
        config.jetty.addConnector((server, http) -> {
            ServerConnector connector = tls == null
                    ? new ServerConnector(server, new HttpConnectionFactory(http))
                    : new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                            new HttpConnectionFactory(http));
            connector.setHost(host);
            connector.setPort(port);
            connector.setIdleTimeout(IDLE_TIMEOUT_MS);
            return connector;
        });
    }

    static SslContextFactory.Server clientCertificateRequired(SSLContext tls) {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setSslContext(tls);
        // a handshake without the management node's certificate fails before any byte of HTTP is read
        factory.setNeedClientAuth(true);
        factory.setIncludeProtocols("TLSv1.3");
        // in this order, the agent's preference in this JVM (see AgentTls.serverCipherSuites for why)
        factory.setIncludeCipherSuites(AgentTls.serverCipherSuites());
        factory.setUseCipherSuitesOrder(true);
        return factory;
    }

    static String scheme(SSLContext tls) {
        return tls == null ? "http" : "https";
    }
}
