package io.vrouter.server.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vrouter.api.ApiError;
import io.vrouter.api.ErrorCode;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDispatcher;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.query.QueryApis;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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
    private static final String JSON = "application/json";
    /** Set on a context whose reply is written, so the 404 handler keeps an API's own 404 body. */
    public static final String RESPONDED = "vrouter.responded";

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
            config.routes.exception(UnsupportedBodyType.class, (e, ctx) -> respond(ctx, 415,
                    new ApiError.Envelope(new ApiError(ErrorCode.INVALID_ARGUMENT.code(), "unsupported media type", e.getMessage()))));
            config.routes.exception(Exception.class, (e, ctx) -> respond(ctx, 500, InternalErrors.report(ctx.method().name(), ctx.path(), e)));
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

    /**
     * Adds routes of another package on the same port (ZStack's wire, the console's files, the event stream); call
     * before {@link #start}.
     */
    public void extend(Consumer<JavalinConfig> extension) {
        extensions.add(extension);
    }

    private void callApi(Context ctx) {
        String body = ctx.body();
        requireJson(ctx.header("Content-Type"), body);
        Object reply = dispatcher.dispatch(ctx.pathParam("apiName"), parseBody(json, body), ctx.header("Authorization"), ctx.ip());
        respond(ctx, 200, reply);
    }

    /**
     * A body must say it is JSON: a form or text/plain body is what a browser sends cross-site without asking,
     * so parsing it as JSON would let any web page call the API with a session it learned. No body, no type needed.
     */
    static void requireJson(String contentType, String body) {
        if (body == null || body.isEmpty()) {
            return;
        }
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim();
        if (!type.equalsIgnoreCase(JSON)) {
            throw new UnsupportedBodyType("the request body must be JSON with 'Content-Type: application/json'; got "
                    + (contentType == null ? "no Content-Type" : "'" + abbreviate(contentType, 100) + "'"));
        }
    }

    /** The one parser of request bodies for every protocol on this port: a user's bad JSON is SYS.1007, never a 500. */
    public JsonNode parseBody(String body) {
        return parseBody(json, body);
    }

    /**
     * What every protocol on this port does with a request body: {@link #requireJson} (else
     * {@link UnsupportedBodyType}, for a 415 in the protocol's own shape), then {@link #parseBody}.
     */
    public JsonNode parseJsonBody(String contentType, String body) {
        requireJson(contentType, body);
        return parseBody(json, body);
    }

    /** The body as a JSON tree, or a 400 saying what is wrong with it and where. */
    static JsonNode parseBody(ObjectMapper json, String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.invalidArgument("the request body exceeds a limit: " + e.getOriginalMessage()
                    + " (JSON may nest " + Json.MAX_NESTING_DEPTH + " levels, a string may hold "
                    + Json.MAX_STRING_LENGTH + " characters)");
        } catch (JsonProcessingException e) {
            // the location is missing for some errors (a constraint, a duplicate key found late): say so, don't fail
            JsonLocation at = e.getLocation();
            throw ApiException.invalidArgument("the request body is not valid JSON: " + abbreviate(e.getOriginalMessage(), 300)
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
    }

    private static String abbreviate(String text, int max) {
        String single = String.valueOf(text);
        return single.length() <= max ? single : single.substring(0, max) + "...";
    }

    /** A body that is not JSON: HTTP 415. */
    public static final class UnsupportedBodyType extends RuntimeException {
        UnsupportedBodyType(String message) {
            super(message);
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
        ObjectNode body = RestQueryParams.toQueryBody(json, uuid, ctx.queryParamMap());
        Object reply = dispatcher.dispatch(api.get(), body, ctx.header("Authorization"), ctx.ip());
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
