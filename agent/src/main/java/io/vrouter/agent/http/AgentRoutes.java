package io.vrouter.agent.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentResponse;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.AgentReply;
import io.vrouter.agent.protocol.BodyEncoding;
import io.vrouter.agent.protocol.EncodedReply;
import java.util.function.Function;

/** Binds HTTP requests to {@link Agent#handle}: the only place that knows both Javalin and the agent core. */
final class AgentRoutes {

    private AgentRoutes() {
    }

    /** Serves {@code /<command>} for one agent. */
    static void single(JavalinConfig config, Agent agent) {
        config.routes.post("/{command}", ctx -> respond(ctx, agent));
        config.routes.get("/{command}", ctx -> respond(ctx, agent));
        common(config);
    }

    /**
     * Serves {@link AgentPaths#ROTATE_CERTIFICATE} for {@code agent}'s server: the agent's secret required, as for every
     * command (the handshake already required the node's certificate). Declared before {@link #single}'s catch-all.
     */
    static void rotation(JavalinConfig config, Agent agent, CertificateRotation rotation) {
        config.routes.post(AgentPaths.ROTATE_CERTIFICATE, ctx -> {
            if (!agent.authorizes(ctx.header(AgentPaths.AUTHORIZATION_HEADER))) {
                write(ctx, 401, AgentReply.failure("agent " + agent.name() + ": " + AgentPaths.ROTATE_CERTIFICATE
                        + " needs header Authorization: Bearer <the agent's secret>"));
                return;
            }
            AgentResponse response = rotation.rotate(ctx.bodyAsBytes());
            write(ctx, response.status(), response.body());
        });
    }

    /** Serves {@code /agents/{id}/<command>} for the agent {@code lookup} finds by id (null: 404). */
    static void mounted(JavalinConfig config, Function<String, Agent> lookup) {
        String path = AgentPaths.MOUNT_PREFIX + "{id}/{command}";
        config.routes.post(path, ctx -> respondMounted(ctx, lookup));
        config.routes.get(path, ctx -> respondMounted(ctx, lookup));
        common(config);
    }

    private static void common(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        // bodies are bounded: a sync of 50,000 rules is ~15 MB of JSON; a compressed one by what it inflates to
        config.http.maxRequestSize = BodyEncoding.MAX_INFLATED;
        config.routes.error(404, ctx -> {
            if (ctx.result() == null) {
                write(ctx, 404, AgentReply.failure("no such path: " + ctx.path()));
            }
        });
    }

    private static void respondMounted(Context ctx, Function<String, Agent> lookup) {
        String id = ctx.pathParam("id");
        Agent agent = lookup.apply(id);
        if (agent == null) {
            write(ctx, 404, AgentReply.failure("no agent '" + id + "' is mounted here"));
            return;
        }
        respond(ctx, agent);
    }

    private static void respond(Context ctx, Agent agent) {
        String path = "/" + ctx.pathParam("command");
        byte[] body = ctx.bodyAsBytes();
        String encoding = ctx.header(BodyEncoding.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            if (!encoding.trim().equalsIgnoreCase(BodyEncoding.GZIP)) {
                write(ctx, 415, AgentReply.failure(path + ": Content-Encoding '" + encoding + "' is not supported; "
                        + BodyEncoding.ACCEPT_ENCODING + ": " + BodyEncoding.GZIP));
                return;
            }
            try {
                // inflated whole before the agent sees a byte: a refused body applies nothing
                body = BodyEncoding.gunzip(body, BodyEncoding.MAX_INFLATED);
            } catch (BodyEncoding.InvalidBodyException e) {
                write(ctx, e.tooLarge() ? 413 : 400, AgentReply.failure(path + ": " + e.getMessage()));
                return;
            }
        }
        AgentResponse response = agent.handle(path, ctx.header(AgentPaths.AUTHORIZATION_HEADER), body);
        write(ctx, response.status(), response.body());
    }

    private static void write(Context ctx, int status, Object body) {
        EncodedReply reply = EncodedReply.of(status, body, "agent");
        // RFC 7694: every reply tells the node it may send big bodies gzip-compressed (BodyEncoding)
        ctx.status(reply.status()).contentType(EncodedReply.CONTENT_TYPE)
                .header(BodyEncoding.ACCEPT_ENCODING, BodyEncoding.GZIP).result(reply.json());
    }
}
