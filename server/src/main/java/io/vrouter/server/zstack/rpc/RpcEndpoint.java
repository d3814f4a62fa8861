package io.vrouter.server.zstack.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vrouter.api.ApiError;
import io.vrouter.api.ErrorCode;
import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiDispatcher;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.http.ApiServer;
import io.vrouter.server.zstack.ApiJobs;
import io.vrouter.server.zstack.ZStackApi;
import io.vrouter.server.zstack.ZStackApis;
import io.vrouter.server.zstack.ZStackCalls;
import io.vrouter.server.zstack.ZStackJson;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * ZStack's RPC envelope (reference §8a). A request is {@code {"<message class>": {params..., "session": {"uuid": S}}}};
 * the reply {@code {"uuid", "state", "createdDate", "finishedDate", "result"}} where {@code result} is the JSON text of
 * {@code {"<reply or event class>": {..., "success", "error"}}}.
 *
 * <p>Synchronous messages run in the request and answer {@code Done}. Asynchronous ones run as a job; the request
 * waits up to {@code firstReplyWait} for it, so a call that finishes in that time answers {@code Done} at once and
 * the client never sits out its 500 ms poll; a longer one answers {@code Processing} and is polled at
 * {@code GET /zstack/api/result/{uuid}}.
 *
 * <p>HTTP status: a body that is not an envelope, or names no API, is 400 (the client did not speak the protocol);
 * every failure of a well-formed call (session, validation, the operation) is 200 with {@code success: false} in
 * the result, as ZStack answers, because that is where ZStack's clients read errors. Never a 500 for a user's input.
 */
public final class RpcEndpoint {
    /** The reply class of a request that named no API: ZStack's base class of all replies. */
    private static final String GENERIC_REPLY = "org.zstack.header.message.APIReply";

    private final ZStackApis apis;
    private final ZStackCalls calls;
    private final ApiJobs jobs;
    private final ZStackJson json;
    private final BiFunction<String, String, JsonNode> parseBody;
    private final Clock clock;
    private final Duration firstReplyWait;

    public RpcEndpoint(ZStackApis apis, ZStackCalls calls, ApiJobs jobs, ZStackJson json,
                       BiFunction<String, String, JsonNode> parseBody, Clock clock, Duration firstReplyWait) {
        this.apis = apis;
        this.calls = calls;
        this.jobs = jobs;
        this.json = json;
        this.parseBody = parseBody;
        this.clock = clock;
        this.firstReplyWait = firstReplyWait;
    }

    public void routes(RoutesConfig routes) {
        routes.post("/zstack/api", this::call);
        routes.get("/zstack/api/result/{uuid}", this::result);
    }

    private void call(Context ctx) {
        String jobUuid = Uuid.random();
        Instant created = clock.now();
        JsonNode body;
        try {
            body = parseBody.apply(ctx.header("Content-Type"), ctx.body());
        } catch (ApiException e) {
            respondRefused(ctx, jobUuid, created, e.toError());
            return;
        } catch (ApiServer.UnsupportedBodyType e) {
            respond(ctx, 415, done(jobUuid, created, clock.now(), failed(GENERIC_REPLY,
                    new ApiError(ErrorCode.INVALID_ARGUMENT.code(), "unsupported media type", e.getMessage()))));
            return;
        }
        if (body == null || !body.isObject() || body.size() != 1 || !body.elements().next().isObject()) {
            respondRefused(ctx, jobUuid, created, new ApiError(ErrorCode.INVALID_ARGUMENT.code(), "invalid argument",
                    "the body must be one JSON object {\"<message class>\": {parameters..., \"session\": {\"uuid\": ...}}}"));
            return;
        }
        Map.Entry<String, JsonNode> envelope = body.fields().next();
        ZStackApi api = apis.byMessageClass(envelope.getKey()).orElse(null);
        if (api == null) {
            respondRefused(ctx, jobUuid, created, new ApiError(ErrorCode.INVALID_ARGUMENT.code(), "invalid argument",
                    "no API message " + envelope.getKey() + " on this node; see GET /v1/openapi.json for its APIs"));
            return;
        }
        ObjectNode params = (ObjectNode) envelope.getValue().deepCopy();
        ApiDispatcher.PreparedCall prepared;
        try {
            String session = session(params.remove("session"));
            prepared = calls.prepare(api, params, session, ctx.ip());
        } catch (ApiException e) {
            respond(ctx, 200, done(jobUuid, created, clock.now(), failed(api.replyClass(), ZStackCalls.error(e, api.apiName()))));
            return;
        }
        ApiJobs.Job job = api.sync()
                ? jobs.runNow(jobUuid, api.apiName(), created, () -> calls.run(prepared))
                : jobs.submit(jobUuid, api.apiName(), () -> calls.run(prepared));
        job.awaitDone(firstReplyWait);
        respond(ctx, 200, state(job, api));
    }

    private static String session(JsonNode session) {
        if (session == null || session.isNull()) {
            return null;
        }
        if (!session.isObject() || !session.path("uuid").isTextual()) {
            throw ApiException.invalidArgument("session must be {\"uuid\": \"<session uuid>\"}, got " + session);
        }
        return session.get("uuid").asText();
    }

    private void result(Context ctx) {
        String uuid = ctx.pathParam("uuid");
        ApiJobs.Job job = jobs.find(uuid).orElse(null);
        if (job == null) {
            Instant now = clock.now();
            respond(ctx, 404, done(Uuid.isValid(uuid) ? uuid : Uuid.random(), now, now, failed(GENERIC_REPLY, new ApiError(ErrorCode.RESOURCE_NOT_FOUND.code(),
                    "resource not found", (Uuid.isValid(uuid) ? "no API job " + uuid : "no API job by that name (a job's uuid is 32 hex digits)")
                            + " (finished results are kept for a while, then dropped)"))));
            return;
        }
        respond(ctx, 200, state(job, apis.byApiName(job.apiName()).orElseThrow()));
    }

    private ObjectNode state(ApiJobs.Job job, ZStackApi api) {
        if (!job.isDone()) {
            ObjectNode node = json.mapper().createObjectNode();
            node.put("uuid", job.uuid());
            node.put("state", "Processing");
            node.put("createdDate", json.date(job.created()));
            return node;
        }
        ObjectNode result;
        try {
            result = succeeded(api.replyClass(), job.reply());
        } catch (RuntimeException e) {
            result = failed(api.replyClass(), ZStackCalls.error(e, api.apiName()));
        }
        return done(job.uuid(), job.created(), job.finished(), result);
    }

    private ObjectNode succeeded(String replyClass, Object reply) {
        JsonNode shaped = json.shape(reply);
        ObjectNode fields = shaped.isObject() ? (ObjectNode) shaped : json.mapper().createObjectNode();
        fields.put("success", true);
        ObjectNode result = json.mapper().createObjectNode();
        result.set(replyClass, fields);
        return result;
    }

    private ObjectNode failed(String replyClass, ApiError error) {
        ObjectNode fields = json.mapper().createObjectNode();
        fields.put("success", false);
        fields.set("error", json.error(error));
        ObjectNode result = json.mapper().createObjectNode();
        result.set(replyClass, fields);
        return result;
    }

    private ObjectNode done(String uuid, Instant created, Instant finished, ObjectNode result) {
        ObjectNode node = json.mapper().createObjectNode();
        node.put("uuid", uuid);
        node.put("state", "Done");
        node.put("createdDate", json.date(created));
        node.put("finishedDate", json.date(finished));
        node.put("result", json.write(result));
        return node;
    }

    private void respondRefused(Context ctx, String jobUuid, Instant created, ApiError error) {
        respond(ctx, 400, done(jobUuid, created, clock.now(), failed(GENERIC_REPLY, error)));
    }

    private void respond(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(json.write(body));
        ctx.attribute(ApiServer.RESPONDED, Boolean.TRUE);
    }
}
