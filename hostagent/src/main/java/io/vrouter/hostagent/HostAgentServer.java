package io.vrouter.hostagent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.SecretCheck;
import io.vrouter.agent.protocol.hostagent.CheckInterfacesCmd;
import io.vrouter.agent.protocol.hostagent.CheckInterfacesReply;
import io.vrouter.agent.protocol.hostagent.HeartbeatCmd;
import io.vrouter.agent.protocol.hostagent.HeartbeatReply;
import io.vrouter.agent.protocol.hostagent.HostAgentPaths;
import io.vrouter.agent.protocol.hostagent.HostAgentReply;
import io.vrouter.agent.protocol.hostagent.PingReply;
import io.vrouter.agent.protocol.hostagent.PlugCmd;
import io.vrouter.agent.protocol.hostagent.ProbeCmd;
import io.vrouter.agent.protocol.hostagent.ProbeReply;
import io.vrouter.agent.protocol.hostagent.ReconcileCmd;
import io.vrouter.agent.protocol.hostagent.UnplugCmd;
import io.vrouter.agent.protocol.hostagent.VmCmd;
import io.vrouter.agent.protocol.hostagent.VmStatusCmd;
import io.vrouter.agent.tls.AgentTls;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import io.vrouter.agent.protocol.hostagent.VxlanCidrCmd;
import io.vrouter.agent.protocol.hostagent.VxlanCidrReply;
import io.vrouter.agent.protocol.hostagent.VxlanFdbCmd;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;

/**
 * The host agent over HTTPS with mutual TLS (the management node's certificate required, {@code docs/tls.md}): one
 * POST path per command ({@link HostAgentPaths}), JSON bodies, the host's secret as
 * {@code Authorization: Bearer <secret>} on every path, compared in constant time. A call without the secret gets
 * 401 and changes nothing; a body that is not the command's JSON gets 400; a failure on the host 500 with the
 * reason. The only class that knows both Javalin and {@link HostAgent}.
 */
public final class HostAgentServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostAgentServer.class);
    private static final ObjectMapper JSON = JsonReplies.JSON;

    private final Javalin app;
    private final String scheme;
    private final Reachability reachability;
    private final SelfFence fence;

    private HostAgentServer(Javalin app, String scheme, Reachability reachability, SelfFence fence) {
        this.app = app;
        this.scheme = scheme;
        this.reachability = reachability;
        this.fence = fence;
    }

    /**
     * Idle connections stay open this long: the node pings every host every few seconds, and a kept connection spares
     * it a handshake per call.
     */
    static final long IDLE_TIMEOUT_MS = 5 * 60_000L;

    /**
     * Serves {@code agent} on {@code host:port} (port 0: any free port) over plain HTTP, accepting only
     * {@code secret}: for tests of the commands alone; the management node reaches host agents only over mutual TLS
     * ({@link #start(HostAgent, String, String, int, SSLContext)}).
     */
    public static HostAgentServer start(HostAgent agent, String secret, String host, int port) {
        return start(agent, secret, host, port, null);
    }

    /**
     * Serves {@code agent} on {@code host:port} over TLS with {@code tls} ({@link AgentTls#hostAgentContext}: the
     * host agent's certificate, the management node's required of every client; plain HTTP when null, tests only),
     * accepting only {@code secret}.
     */
    public static HostAgentServer start(HostAgent agent, String secret, String host, int port, SSLContext tls) {
        SecretCheck check = new SecretCheck(secret);
        Reachability reachability = new Reachability();
        SelfFence fence = new SelfFence(agent::stopRouters,
                peers -> reachability.reachable(peers, SelfFence.PEER_TIMEOUT), System::nanoTime,
                agent.settings().workDir().resolve("self-fence.json"));
        Javalin app = Javalin.create(config -> {
            QueuedThreadPool pool = new QueuedThreadPool(64, 4);
            pool.setName("host-agent-http");
            config.jetty.threadPool = pool;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = 16L * 1024 * 1024;
            if (tls != null) {
                listenTls(config, host, port, tls);
            }
            routes(config, agent, check, fence);
            witnessRoutes(config, agent, check, reachability, fence);
        });
        if (tls != null) {
            app.start();
        } else {
            app.start(host, port);
        }
        return new HostAgentServer(app, tls != null ? "https" : "http", reachability, fence.start());
    }

    /**
     * The one listening socket, TLS 1.3 with a required client certificate: a handshake without the management
     * node's certificate fails before any byte of HTTP is read. The TLS context and cipher suites are the shared
     * package's ({@link AgentTls}); this is only Jetty's side of them.
     */
    private static void listenTls(JavalinConfig config, String host, int port, SSLContext tls) {
        config.jetty.addConnector((server, http) -> {
            SslContextFactory.Server factory = new SslContextFactory.Server();
            factory.setSslContext(tls);
            factory.setNeedClientAuth(true);
            factory.setIncludeProtocols("TLSv1.3");
            factory.setIncludeCipherSuites(AgentTls.serverCipherSuites());
            factory.setUseCipherSuitesOrder(true);
            ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(factory, "http/1.1"),
                    new HttpConnectionFactory(http));
            connector.setHost(host);
            connector.setPort(port);
            connector.setIdleTimeout(IDLE_TIMEOUT_MS);
            return connector;
        });
    }

    private interface Handler {
        Object handle(Context ctx) throws IOException;
    }

    private static void routes(JavalinConfig config, HostAgent agent, SecretCheck check, SelfFence fence) {
        route(config, check, HostAgentPaths.CONNECT, ctx -> agent.connect());
        route(config, check, HostAgentPaths.PING, ctx -> new PingReply(true, null, agent.agentUuid()));
        route(config, check, HostAgentPaths.RECONCILE, ctx -> {
            agent.reconcile(body(ctx, ReconcileCmd.class).running());
            fence.reconciled(); // the node decided what runs here: a self-fence is settled
            return HostAgentReply.ok();
        });
        route(config, check, HostAgentPaths.CHECK_INTERFACES, ctx ->
                new CheckInterfacesReply(true, null, agent.missingInterfaces(body(ctx, CheckInterfacesCmd.class).interfaces())));
        route(config, check, HostAgentPaths.VXLAN_CHECK_CIDR, ctx ->
                new VxlanCidrReply(true, null, agent.vtepAddress(body(ctx, VxlanCidrCmd.class).cidr())));
        route(config, check, HostAgentPaths.VXLAN_POPULATE_FDB, ctx -> {
            agent.populateFdb(body(ctx, VxlanFdbCmd.class).networks());
            return HostAgentReply.ok();
        });
        route(config, check, HostAgentPaths.PLUG, ctx -> {
            agent.plug(body(ctx, PlugCmd.class));
            return HostAgentReply.ok();
        });
        route(config, check, HostAgentPaths.UNPLUG, ctx -> {
            agent.unplug(body(ctx, UnplugCmd.class).portSuffix());
            return HostAgentReply.ok();
        });
        route(config, check, HostAgentPaths.VM_START, ctx -> {
            agent.start(vm(ctx).vm());
            return HostAgentReply.ok();
        });
        route(config, check, HostAgentPaths.VM_PREPARE, ctx -> {
            agent.prepare(vm(ctx).vm());
            return HostAgentReply.ok();
        });
        route(config, check, HostAgentPaths.VM_STOP, ctx -> {
            agent.stop(vm(ctx).vm());
            return HostAgentReply.ok();
        });
        route(config, check, HostAgentPaths.VM_DESTROY, ctx -> {
            agent.destroy(vm(ctx).vm());
            return HostAgentReply.ok();
        });
        route(config, check, HostAgentPaths.VM_DEPLOY_ROUTER_AGENT, ctx -> {
            agent.deployRouterAgent(vm(ctx).vm());
            return HostAgentReply.ok();
        });
        route(config, check, HostAgentPaths.VM_STATUS, ctx -> {
            VmStatusCmd cmd = body(ctx, VmStatusCmd.class);
            return agent.status(cmd.vmUuid(), cmd.deviceId());
        });
        route(config, check, HostAgentPaths.CLEAN_ALL, ctx -> {
            agent.cleanAll();
            return HostAgentReply.ok();
        });
        config.routes.error(404, ctx -> {
            if (ctx.result() == null) {
                JsonReplies.write(ctx, 404, HostAgentReply.failure("no such path: " + ctx.path()));
            }
        });
    }

    /** A host's death and its fence: probes of a peer on the node's behalf, the node's heartbeat. */
    private static void witnessRoutes(JavalinConfig config, HostAgent agent, SecretCheck check, Reachability reachability, SelfFence fence) {
        route(config, check, HostAgentPaths.PROBE, ctx -> {
            ProbeCmd cmd = body(ctx, ProbeCmd.class);
            if (cmd.addresses().size() > 64 || cmd.timeoutMillis() < 0) {
                throw new BadRequest(ctx.path() + " takes up to 64 addresses and a timeout of 0 ms or more");
            }
            return new ProbeReply(true, null, reachability.reachable(cmd.addresses(),
                    Duration.ofMillis(cmd.timeoutMillis() == 0 ? 1000 : cmd.timeoutMillis())));
        });
        route(config, check, HostAgentPaths.HEARTBEAT, ctx -> {
            HeartbeatCmd cmd = body(ctx, HeartbeatCmd.class);
            return new HeartbeatReply(true, null, agent.agentUuid(), fence.heartbeat(cmd));
        });
    }

    private static void route(JavalinConfig config, SecretCheck check, String path, Handler handler) {
        config.routes.post(path, ctx -> {
            if (!check.accepts(ctx.header(AgentPaths.AUTHORIZATION_HEADER))) {
                JsonReplies.write(ctx, 401, HostAgentReply.failure("unauthorized: " + path + " needs the host's secret"));
                return;
            }
            try {
                JsonReplies.write(ctx, 200, handler.handle(ctx));
            } catch (BadRequest e) {
                JsonReplies.write(ctx, 400, HostAgentReply.failure(e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("{} failed: {}", path, e.getMessage());
                JsonReplies.write(ctx, 500, HostAgentReply.failure(e.getMessage() != null ? e.getMessage() : e.toString()));
            }
        });
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    private static VmCmd vm(Context ctx) {
        VmCmd cmd = body(ctx, VmCmd.class);
        if (cmd.vm() == null || cmd.vm().uuid() == null || cmd.vm().nics() == null) {
            throw new BadRequest(ctx.path() + " needs a vm with a uuid and nics");
        }
        return cmd;
    }

    private static <T> T body(Context ctx, Class<T> type) {
        try {
            T value = JSON.readValue(ctx.bodyAsBytes(), type);
            if (value == null) {
                throw new BadRequest(ctx.path() + " needs a " + type.getSimpleName() + " body");
            }
            return value;
        } catch (IOException | IllegalArgumentException e) {
            throw new BadRequest(ctx.path() + ": the body is not a " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    public int port() {
        return app.port();
    }

    /** How the agent is called: {@code https}, or {@code http} for a plain test server. */
    public String scheme() {
        return scheme;
    }

    @Override
    public void close() {
        app.stop();
        fence.close();
        reachability.close();
    }
}
