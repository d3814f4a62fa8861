package io.vrouter.server.events;

import io.vrouter.platform.threads.DaemonThreads;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.SessionResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/events}: the live events as server-sent events, for a caller with a session
 * ({@code Authorization: OAuth <session>}, as every API). The stream opens with the events kept since
 * {@code Last-Event-ID} (all kept ones without it), then {@code event: hello} with the last id, then each new event
 * as {@code event: status|changed|error}, {@code id:}, {@code data:} the {@link LiveEvent} as JSON. Every
 * {@value #CHECK_SECONDS} s the session is checked again: a stream outlives neither a logout nor the session's
 * timeout ({@code event: session-ended}, then the stream closes).
 */
public final class EventStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    static final String PATH = "/v1/events";
    static final int CHECK_SECONDS = 15;

    private final LiveEvents events;
    private final SessionResolver sessions;
    private final ObjectMapper json;
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("event-stream-check"));

    public EventStream(LiveEvents events, SessionResolver sessions, ObjectMapper json) {
        this.events = events;
        this.sessions = sessions;
        this.json = json;
    }

    /** Adds the stream's route (API outcomes reach {@link LiveEvents} from the dispatcher, for every protocol). */
    public void addRoutes(JavalinConfig config) {
        config.routes.get(PATH, this::open);
    }

    private void open(Context ctx) throws Exception {
        String authorization = ctx.header("Authorization");
        sessions.resolve(authorization); // throws NOT_AUTHENTICATED before the stream starts: a plain JSON error
        long afterId = parseId(ctx.header("Last-Event-ID"));
        new SseHandler(client -> stream(client, authorization, afterId)).handle(ctx);
    }

    private void stream(SseClient client, String authorization, long afterId) {
        Runnable unsubscribe = events.subscribe(afterId, backlog -> {
            backlog.forEach(e -> send(client, e));
            long lastId = backlog.isEmpty() ? afterId : backlog.get(backlog.size() - 1).id();
            synchronized (client) {
                client.sendEvent("hello", "{\"lastId\":" + lastId + "}");
            }
        }, e -> send(client, e));
        ScheduledFuture<?> check = checks.scheduleWithFixedDelay(() -> checkSession(client, authorization),
                CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
        client.onClose(() -> {
            unsubscribe.run();
            check.cancel(false);
        });
        client.keepAlive();
    }

    private void checkSession(SseClient client, String authorization) {
        // the delivery thread writes to the same stream: one writer at a time (synchronized on the client)
        try {
            sessions.resolve(authorization);
            synchronized (client) {
                client.sendComment("alive");
            }
        } catch (ApiException e) {
            synchronized (client) {
                client.sendEvent("session-ended", "{\"detail\":" + quote(e.getMessage()) + "}");
                client.close();
            }
        } catch (RuntimeException e) {
            LOG.debug("event stream check failed; closing it", e);
            client.close();
        }
    }

    private void send(SseClient client, LiveEvent event) {
        if (client.terminated()) {
            throw new IllegalStateException("the stream is closed");
        }
        try {
            String data = json.writeValueAsString(event);
            synchronized (client) {
                client.sendEvent(event.kind().name().toLowerCase(Locale.ROOT), data, Long.toString(event.id()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + event, e);
        }
    }

    private String quote(String s) {
        try {
            return json.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long parseId(String header) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
