package io.vrouter.server.zstack.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vrouter.api.ApiError;
import io.vrouter.api.ErrorCode;
import io.vrouter.server.api.ApiDispatcher;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.http.ApiServer;
import io.vrouter.server.http.RestQueryParams;
import io.vrouter.server.zstack.ApiJobs;
import io.vrouter.server.zstack.ZStackApi;
import io.vrouter.server.zstack.ZStackApis;
import io.vrouter.server.zstack.ZStackCalls;
import io.vrouter.server.zstack.ZStackJson;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * ZStack's REST API v1 (reference §8b) under {@code /zstack/v1}: the SDK's paths and methods for every API of the
 * catalogue, {@code Authorization: OAuth <session>}, bodies {@code {"params": {...}}} (create) or
 * {@code {"<apiName>": {...}}} (actions), queries with repeated {@code q=}.
 *
 * <p>Synchronous APIs (queries, reads, login, logout) answer 200 with the reply. Every other call is checked first
 * (session 401, parameters 400: nothing runs or is written), then runs as a job whose uuid is the client's
 * {@code X-Job-UUID} when it sends one; the request waits up to {@code firstReplyWait}, then answers 202
 * {@code {"location": ".../zstack/v1/api-jobs/<uuid>"}}, where a GET answers 202 while it runs, 200 with the
 * reply, or 503 with {@code {"error"}} as the SDK expects. The SDK polls the location at once, so a call done
 * within the wait costs it no poll interval.
 */
public final class RestV1Endpoint {
    private static final String PREFIX = "/zstack/v1/";
    private static final String JOBS = "api-jobs/";

    /** Not ZStack's: the route of every API, for clients that build their calls from it (the web console). */
    static final String ROUTE_TABLE = "/api-routes";

    private final RestRoutes routes;
    private final List<ZStackApi> served;
    private final ZStackCalls calls;
    private final ApiJobs jobs;
    private final ZStackJson json;
    private final BiFunction<String, String, JsonNode> parseBody;
    private final Duration firstReplyWait;

    public RestV1Endpoint(ZStackApis apis, ZStackCalls calls, ApiJobs jobs, ZStackJson json,
                          BiFunction<String, String, JsonNode> parseBody, Duration firstReplyWait) {
        this.served = apis.all().stream().filter(a -> a.restMethod() != null).toList();
        this.routes = new RestRoutes(served);
        this.calls = calls;
        this.jobs = jobs;
        this.json = json;
        this.parseBody = parseBody;
        this.firstReplyWait = firstReplyWait;
    }

    public void routes(RoutesConfig config) {
        config.get("/zstack/v1/<path>", this::handle);
        config.post("/zstack/v1/<path>", this::handle);
        config.put("/zstack/v1/<path>", this::handle);
        config.delete("/zstack/v1/<path>", this::handle);
    }

    private void handle(Context ctx) {
        String method = ctx.method().name();
        String path = ctx.path().substring(PREFIX.length() - 1).replaceAll("/+$", "");
        try {
            if (method.equals("GET") && path.startsWith("/" + JOBS)) {
                job(ctx, path.substring(JOBS.length() + 1));
                return;
            }
            if (method.equals("GET") && path.equals(ROUTE_TABLE)) {
                respond(ctx, 200, routeTable());
                return;
            }
            List<RestRoutes.Match> matches = routes.match(method, path);
            if (matches.isEmpty()) {
                if (routes.servedByAnotherMethod(method, path)) {
                    throw new Refusal(405, new ApiError(ErrorCode.INVALID_ARGUMENT.code(), "method not allowed",
                            method + " is not served at /v1" + path));
                }
                throw new Refusal(404, new ApiError(ErrorCode.RESOURCE_NOT_FOUND.code(), "not found",
                        "no API at " + method + " /v1" + path));
            }
            call(ctx, method, matches);
        } catch (Refusal r) {
            respondError(ctx, r.status, r.error);
        } catch (ApiException e) {
            respondError(ctx, restStatus(e), ZStackCalls.error(e, null));
        } catch (ApiServer.UnsupportedBodyType e) {
            respondError(ctx, 415, new ApiError(ErrorCode.INVALID_ARGUMENT.code(), "unsupported media type", e.getMessage()));
        }
    }

    private void call(Context ctx, String method, List<RestRoutes.Match> matches) {
        JsonNode body = method.equals("POST") || method.equals("PUT") ? parseBody.apply(ctx.header("Content-Type"), ctx.body()) : null;
        if (body != null && !body.isObject()) {
            throw ApiException.invalidArgument("the body must be a JSON object such as {\"params\": {...}}, got " + body.getNodeType());
        }
        RestRoutes.Match match = choose(method, matches, (ObjectNode) body);
        ZStackApi api = match.route().api();
        ObjectNode params = params(ctx, method, api, match, (ObjectNode) body);
        String session = session(ctx, api, match);
        ApiDispatcher.PreparedCall prepared;
        try {
            prepared = calls.prepare(api, params, session, ctx.ip());
        } catch (ApiException e) {
            respondError(ctx, restStatus(e), ZStackCalls.error(e, api.apiName()));
            return;
        }
        if (api.sync()) {
            try {
                Object reply = calls.run(prepared);
                respond(ctx, 200, json.shape(reply));
            } catch (RuntimeException e) {
                respondError(ctx, e instanceof ApiException a ? restStatus(a) : 503, ZStackCalls.error(e, api.apiName()));
            }
            return;
        }
        ApiJobs.Job job = jobs.submit(jobUuid(ctx.header("X-Job-UUID")), api.apiName(), () -> calls.run(prepared));
        job.awaitDone(firstReplyWait);
        ObjectNode location = json.mapper().createObjectNode();
        location.put("location", ctx.scheme() + "://" + ctx.host() + PREFIX + JOBS + job.uuid());
        respond(ctx, 202, location);
    }

    /**
     * {@code {"routes": [{"apiName", "method", "path", "sync"}]}}: the current SDK's path of every API, with its
     * {@code {var}}s; public as {@code /v1/openapi.json} is (names, not data).
     */
    private ObjectNode routeTable() {
        ObjectNode table = json.mapper().createObjectNode();
        ArrayNode list = table.putArray("routes");
        for (ZStackApi api : served) {
            list.addObject().put("apiName", api.apiName()).put("method", api.restMethod())
                    .put("path", api.restPaths().get(0)).put("sync", api.sync());
        }
        return table;
    }

    /** Among routes of equal rank (several actions on one path), the one the body's key names. */
    private static RestRoutes.Match choose(String method, List<RestRoutes.Match> matches, ObjectNode body) {
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (body != null) {
            for (RestRoutes.Match m : matches) {
                if (body.has(m.route().api().actionName())) {
                    return m;
                }
            }
        }
        throw ApiException.invalidArgument(method + " on this path is one of the actions "
                + matches.stream().map(m -> m.route().api().actionName()).toList()
                + "; the body must be {\"<action>\": {...}}");
    }

    /** The call's parameters: the body's object under "params" or the action's key, path variables, query string. */
    private ObjectNode params(Context ctx, String method, ZStackApi api, RestRoutes.Match match, ObjectNode body) {
        if (api.isQuery()) {
            String uuid = match.route().byUuid() ? match.variables().get("uuid") : null;
            if (uuid != null && !Uuid.isValid(uuid)) {
                // what is not a uuid names nothing: refused as our /v1 refuses it, not answered as an empty page
                throw ApiException.invalidArgument("the last segment of the path must be a uuid (32 hex digits)");
            }
            return RestQueryParams.toQueryBody(json.mapper(), uuid, ctx.queryParamMap());
        }
        ObjectNode params = json.mapper().createObjectNode();
        if (body != null) {
            String key = method.equals("PUT") ? api.actionName() : "params";
            for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals(key)) {
                    if (!field.getValue().isObject() && !field.getValue().isNull()) {
                        throw ApiException.invalidArgument("\"" + key + "\" must be a JSON object, got " + field.getValue().getNodeType());
                    }
                    if (field.getValue().isObject()) {
                        params.setAll((ObjectNode) field.getValue());
                    }
                } else if (field.getKey().equals("systemTags") || field.getKey().equals("userTags")) {
                    params.set(field.getKey(), field.getValue());
                } else {
                    throw ApiException.invalidArgument("unexpected key \"" + field.getKey() + "\" in the body of "
                            + api.apiName() + "; it takes {\"" + key + "\": {...}, \"systemTags\": [...], \"userTags\": [...]}");
                }
            }
        } else {
            // GET and DELETE carry their parameters in the query string; a repeated one is a list
            for (Map.Entry<String, List<String>> q : ctx.queryParamMap().entrySet()) {
                if (q.getValue().size() == 1) {
                    params.put(q.getKey(), q.getValue().get(0));
                } else {
                    ArrayNode list = params.putArray(q.getKey());
                    q.getValue().forEach(list::add);
                }
            }
        }
        for (Map.Entry<String, String> variable : match.variables().entrySet()) {
            JsonNode given = params.get(variable.getKey());
            if (given != null && !given.asText().equals(variable.getValue())) {
                throw ApiException.invalidArgument(variable.getKey() + " is " + variable.getValue() + " in the path but "
                        + given + " in the body");
            }
            params.put(variable.getKey(), variable.getValue());
        }
        return params;
    }

    /** The session: {@code Authorization: OAuth <uuid>}; LogOut names its session in the path instead. */
    private static String session(Context ctx, ZStackApi api, RestRoutes.Match match) {
        if (api.apiName().equals("LogOut")) {
            return match.variables().get("sessionUuid");
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, "OAuth ", 0, 6)) {
            throw ApiException.notAuthenticated("the Authorization header must be 'OAuth <session uuid>'");
        }
        return value.substring(6).trim();
    }

    /** The client's {@code X-Job-UUID} (the SDK sends 32 hex digits; dashes are tolerated), or a new one. */
    private static String jobUuid(String header) {
        if (header == null || header.isBlank()) {
            return Uuid.random();
        }
        String uuid = header.trim().replace("-", "").toLowerCase(Locale.ROOT);
        if (!Uuid.isValid(uuid)) {
            throw ApiException.invalidArgument("X-Job-UUID '" + header + "' is not a uuid (32 hex digits)");
        }
        return uuid;
    }

    private void job(Context ctx, String uuid) {
        ApiJobs.Job job = jobs.find(uuid).orElseThrow(() -> new Refusal(404, new ApiError(ErrorCode.RESOURCE_NOT_FOUND.code(),
                "resource not found", (Uuid.isValid(uuid) ? "no API job " + uuid : "no API job by that name (a job's uuid is 32 hex digits)")
                            + " (finished results are kept for a while, then dropped)")));
        if (!job.isDone()) {
            respond(ctx, 202, json.mapper().createObjectNode());
            return;
        }
        try {
            respond(ctx, 200, json.shape(job.reply()));
        } catch (RuntimeException e) {
            // the SDK reads a failed job's error from a 503
            respondError(ctx, 503, ZStackCalls.error(e, job.apiName()));
        }
    }

    /** 4xx for the caller's mistakes, as the status says; ZStack's 503 for an operation that failed. */
    private static int restStatus(ApiException e) {
        int status = e.code().httpStatus();
        return status >= 400 && status < 500 ? status : 503;
    }

    private void respondError(Context ctx, int status, ApiError error) {
        ObjectNode body = json.mapper().createObjectNode();
        body.set("error", json.error(error));
        respond(ctx, status, body);
    }

    private void respond(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(json.write(body));
        ctx.attribute(ApiServer.RESPONDED, Boolean.TRUE);
    }

    /** A refusal decided before any API is chosen: its status and error. */
    private static final class Refusal extends RuntimeException {
        private final int status;
        private final ApiError error;

        Refusal(int status, ApiError error) {
            super(error.details(), null, false, false);
            this.status = status;
            this.error = error;
        }
    }
}
