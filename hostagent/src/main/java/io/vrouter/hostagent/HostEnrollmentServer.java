package io.vrouter.hostagent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.vrouter.agent.protocol.hostagent.EnrollBeginCmd;
import io.vrouter.agent.protocol.hostagent.EnrollFinishCmd;
import io.vrouter.agent.protocol.hostagent.HostAgentPaths;
import io.vrouter.agent.protocol.hostagent.HostAgentReply;
import io.vrouter.agent.tls.HostEnrollment;
import io.vrouter.agent.tls.TlsIdentity;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A host agent without a certificate yet: serves only the two enrollment paths ({@link HostEnrollment}) over plain
 * HTTP on the agent's address and port, and nothing else (every other path: 403, "not enrolled"). Once the
 * management node finished the enrollment, the identity is written to the TLS directory (key 0600, directory 0700)
 * and this server closes; the agent then serves its commands over mutual TLS on the same port, and at every later
 * start reads the identity instead of coming here again.
 */
public final class HostEnrollmentServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostEnrollmentServer.class);
    private static final ObjectMapper JSON = JsonReplies.JSON;

    private final Javalin app;
    private final CompletableFuture<TlsIdentity> enrolled;

    private HostEnrollmentServer(Javalin app, CompletableFuture<TlsIdentity> enrolled) {
        this.app = app;
        this.enrolled = enrolled;
    }

    /**
     * The identity kept in {@code tlsDir} when there is one (a key others may read is refused); else waits on
     * {@code host:port} until the management node enrolls this agent with {@code secret}, writes the identity there
     * and returns it. Blocks until then.
     */
    public static TlsIdentity readOrEnroll(Path tlsDir, String secret, String host, int port) throws InterruptedException {
        if (Files.exists(tlsDir.resolve(TlsIdentity.KEY_FILE))) {
            return read(tlsDir);
        }
        try (HostEnrollmentServer server = start(tlsDir, secret, host, port)) {
            System.out.println("vrouter host agent: no certificate in " + tlsDir + " yet; waiting on http://" + host + ":"
                    + server.port() + " to be enrolled by the management node (AddNetnsHost with this host's secret)");
            System.out.flush();
            TlsIdentity identity = server.awaitIdentity();
            // the finish reply leaves before the listener closes
            Thread.sleep(200);
            return identity;
        }
    }

    /** The identity in {@code tlsDir} ({@link TlsIdentity#KEY_FILE}, ...). */
    public static TlsIdentity read(Path tlsDir) {
        return TlsIdentity.read(tlsDir.resolve(TlsIdentity.KEY_FILE), tlsDir.resolve(TlsIdentity.CERTIFICATE_FILE),
                tlsDir.resolve(TlsIdentity.AUTHORITY_FILE));
    }

    /** Serves the enrollment on {@code host:port}; the identity is written to {@code tlsDir} when it completes. */
    public static HostEnrollmentServer start(Path tlsDir, String secret, String host, int port) {
        HostEnrollment.Applicant applicant = new HostEnrollment.Applicant(secret);
        CompletableFuture<TlsIdentity> enrolled = new CompletableFuture<>();
        Javalin app = Javalin.create(config -> {
            QueuedThreadPool pool = new QueuedThreadPool(8, 2);
            pool.setName("host-agent-enroll");
            config.jetty.threadPool = pool;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = 64L * 1024;
            config.routes.post(HostAgentPaths.ENROLL_BEGIN, ctx -> {
                if (enrolled.isDone()) {
                    JsonReplies.write(ctx, 409, HostAgentReply.failure("this host agent is enrolled already"));
                    return;
                }
                answer(ctx, () -> applicant.answer(body(ctx, EnrollBeginCmd.class)));
            });
            config.routes.post(HostAgentPaths.ENROLL_FINISH, ctx -> answer(ctx, () -> {
                synchronized (enrolled) {
                    if (enrolled.isDone()) {
                        return HostAgentReply.failure("this host agent is enrolled already");
                    }
                    TlsIdentity identity = applicant.finish(body(ctx, EnrollFinishCmd.class));
                    identity.writeTo(tlsDir);
                    LOG.info("enrolled: {} of {}, written to {}", identity.subject(),
                            identity.authority().getSubjectX500Principal().getName(), tlsDir);
                    enrolled.complete(identity);
                    return HostAgentReply.ok();
                }
            }));
            config.routes.error(404, ctx -> JsonReplies.write(ctx, 403, HostAgentReply.failure("this host agent is not enrolled yet: "
                    + ctx.path() + " is served over mutual TLS once the management node enrolled it (AddNetnsHost)")));
        });
        app.start(host, port);
        return new HostEnrollmentServer(app, enrolled);
    }

    /** Blocks until the enrollment completed; the identity, already written. */
    public TlsIdentity awaitIdentity() throws InterruptedException {
        try {
            return enrolled.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the enrollment failed: " + e.getCause(), e.getCause());
        }
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private interface Reply {
        Object get() throws IOException;
    }

    private static void answer(Context ctx, Reply reply) {
        try {
            JsonReplies.write(ctx, 200, reply.get());
        } catch (HostEnrollment.Refused e) {
            LOG.warn("{} refused: {}", ctx.path(), e.getMessage());
            JsonReplies.write(ctx, 401, HostAgentReply.failure("unauthorized: " + e.getMessage()));
        } catch (IOException | RuntimeException e) {
            JsonReplies.write(ctx, 400, HostAgentReply.failure(ctx.path() + ": " + e.getMessage()));
        }
    }

    private static <T> T body(Context ctx, Class<T> type) throws IOException {
        T value = JSON.readValue(ctx.bodyAsBytes(), type);
        if (value == null) {
            throw new IOException("needs a " + type.getSimpleName() + " body");
        }
        return value;
    }
}
