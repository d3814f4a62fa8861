package io.vrouter.agent.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentResponse;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.AgentReply;
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
        // bodies are bounded: a sync of 50,000 rules is ~15 MB of JSON
        config.http.maxRequestSize = 64L * 1024 * 1024;
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
        AgentResponse response = agent.handle(path, ctx.header(AgentPaths.AUTHORIZATION_HEADER), ctx.bodyAsBytes());
        write(ctx, response.status(), response.body());
    }

    private static void write(Context ctx, int status, Object body) {
        EncodedReply reply = EncodedReply.of(status, body, "agent");
        ctx.status(reply.status()).contentType(EncodedReply.CONTENT_TYPE).result(reply.json());
    }
}
