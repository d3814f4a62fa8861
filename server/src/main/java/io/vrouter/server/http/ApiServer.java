package io.vrouter.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vrouter.api.ApiError;
import io.vrouter.api.ErrorCode;
import io.vrouter.api.QueryCondition;
import io.vrouter.api.QueryWords;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDispatcher;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.query.QueryApis;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The HTTP face of the management node.
 * <ul>
 *   <li>{@code POST /v1/api/{ApiName}} with a JSON object of parameters: every API (the CLI uses this);</li>
 *   <li>{@code GET /v1/{resources}[/{uuid}]?q=...&limit=&start=&count=&replyWithCount=&sort=+f|-f&fields=}: queries
 *       in ZStack's REST form;</li>
 *   <li>{@code GET /v1/openapi.json}, {@code GET /metrics} (Prometheus text), no session needed;</li>
 *   <li>what other packages add with {@link #extend}: the console at {@code /}, the event stream.</li>
 * </ul>
 * A user's mistake is always a 4xx with {@code {"error":{code,description,details}}}; only a bug is a 500.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String JSON = "application/json";
    private static final String RESPONDED = "vrouter.responded";

    private final ApiDispatcher dispatcher;
    private final ApiCatalogue catalogue;
    private final QueryApis queries;
    private final ObjectMapper json;
    private final PrometheusMeterRegistry metrics;
    private final String version;
    private final List<Consumer<JavalinConfig>> extensions = new ArrayList<>();
    private Javalin app;

    public ApiServer(ApiDispatcher dispatcher, ApiCatalogue catalogue, QueryApis queries, ObjectMapper json,
                     PrometheusMeterRegistry metrics, String version) {
        this.dispatcher = dispatcher;
        this.catalogue = catalogue;
        this.queries = queries;
        this.json = json;
        this.metrics = metrics;
        this.version = version;
    }

    /** Starts listening; port 0 picks a free one. Returns the bound port. */
    public int start(String host, int port) {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = host;
            config.jetty.port = port;
            QueuedThreadPool pool = new QueuedThreadPool(200, 8);
            pool.setName("api");
            config.jetty.threadPool = pool;
            config.http.maxRequestSize = 16L * 1024 * 1024;
            extensions.forEach(extension -> extension.accept(config)); // before the /v1/<path> catch-all
            config.routes.post("/v1/api/{apiName}", this::callApi);
            config.routes.get("/v1/openapi.json", ctx -> respond(ctx, 200, OpenApiDocument.of(catalogue, version)));
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
            config.routes.get("/v1/<path>", this::restQuery);
            config.routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e.code().httpStatus(), new ApiError.Envelope(e.toError())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("internal error serving {} {}", ctx.method(), ctx.path(), e);
                respond(ctx, 500, new ApiError.Envelope(new ApiError(ErrorCode.INTERNAL_ERROR.code(), "internal error",
                        e.getClass().getSimpleName() + ": " + e.getMessage())));
            });
            config.routes.error(404, ctx -> {
                // Javalin's own "Endpoint not found" text is replaced; an API's 404 reply is kept
                if (ctx.attribute(RESPONDED) == null) {
                    respond(ctx, 404, new ApiError.Envelope(new ApiError(ErrorCode.RESOURCE_NOT_FOUND.code(), "not found",
                            "no route " + ctx.method() + " " + ctx.path() + "; APIs are POST /v1/api/{ApiName}, see GET /v1/openapi.json")));
                }
            });
            config.routes.error(405, ctx -> respond(ctx, 405, new ApiError.Envelope(new ApiError(
                    ErrorCode.INVALID_ARGUMENT.code(), "method not allowed", ctx.method() + " is not served at " + ctx.path()))));
        });
        app.start();
        return app.port();
    }

    /** Adds routes of another package (the console's files, the event stream); call before {@link #start}. */
    public void extend(Consumer<JavalinConfig> extension) {
        extensions.add(extension);
    }

    private void callApi(Context ctx) {
        JsonNode body = parseBody(ctx.body());
        Object reply = dispatcher.dispatch(ctx.pathParam("apiName"), body, ctx.header("Authorization"));
        respond(ctx, 200, reply);
    }

    private JsonNode parseBody(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalidArgument("the request body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    private void restQuery(Context ctx) {
        String path = ctx.pathParam("path");
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String uuid = null;
        Optional<String> api = queries.apiForRestPath(path);
        int slash = path.lastIndexOf('/');
        if (api.isEmpty() && slash > 0 && Uuid.isValid(path.substring(slash + 1))) {
            uuid = path.substring(slash + 1);
            api = queries.apiForRestPath(path.substring(0, slash));
        }
        if (api.isEmpty()) {
            throw new ApiException(ErrorCode.RESOURCE_NOT_FOUND, "not found", "no resource collection /v1/" + path
                    + "; collections are " + queries.restPaths().keySet().stream().sorted().toList());
        }
        ObjectNode body = json.createObjectNode();
        ArrayNode conditions = body.putArray("conditions");
        if (uuid != null) {
            conditions.add(json.valueToTree(new QueryCondition("uuid", "=", uuid)));
        }
        for (String q : ctx.queryParams("q")) {
            QueryCondition c = QueryWords.parse(q).orElseThrow(() -> ApiException.invalidArgument(
                    "q=" + q + " is not a condition such as name=vm1, vmNics.ip=10.0.0.5 or state?=Running,Stopped"));
            conditions.add(json.valueToTree(c));
        }
        for (String key : List.of("limit", "start", "count", "replyWithCount", "fields")) {
            String value = ctx.queryParam(key);
            if (value != null) {
                body.put(key, value);
            }
        }
        String sort = ctx.queryParam("sort");
        if (sort != null && !sort.isEmpty()) {
            boolean descending = sort.startsWith("-");
            body.put("sortBy", sort.startsWith("-") || sort.startsWith("+") || sort.startsWith(" ") ? sort.substring(1).trim() : sort);
            body.put("sortDirection", descending ? "desc" : "asc");
        }
        Object reply = dispatcher.dispatch(api.get(), body, ctx.header("Authorization"));
        if (uuid != null && reply instanceof Replies.InventoriesReply r && r.inventories().isEmpty()) {
            throw ApiException.notFound(api.get().replaceFirst("^Query", ""), uuid);
        }
        respond(ctx, 200, reply);
    }

    private void respond(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType(JSON).result(json.writeValueAsString(body));
            ctx.attribute(RESPONDED, Boolean.TRUE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the reply of " + ctx.path(), e);
        }
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }
}
