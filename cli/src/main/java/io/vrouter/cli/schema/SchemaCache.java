package io.vrouter.cli.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Fetches the OpenAPI document of a server once, on first need, and keeps it for the rest of the session, one per
 * server URL. A failed fetch yields the empty schema and is retried only after a pause, so a shell whose server is
 * down does not stall on every Tab press.
 */
public final class SchemaCache {

    /** Gets the OpenAPI document of the server at a URL. */
    @FunctionalInterface
    public interface Fetcher {
        JsonNode fetch(String url) throws Exception;
    }

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private record Entry(ApiSchema schema, long fetchedAtNanos, Exception failure) {
    }

    private final Fetcher fetcher;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> entries = new HashMap<>();

    public SchemaCache(Fetcher fetcher) {
        this(fetcher, System::nanoTime);
    }

    SchemaCache(Fetcher fetcher, LongSupplier nanoClock) {
        this.fetcher = fetcher;
        this.nanoClock = nanoClock;
    }

    /** The schema of the server at {@code url}; empty when it cannot be had. */
    public synchronized ApiSchema get(String url) {
        Entry e = entries.get(url);
        long now = nanoClock.getAsLong();
        if (e != null && (e.failure == null || now - e.fetchedAtNanos < RETRY_AFTER.toNanos())) {
            return e.schema;
        }
        try {
            e = new Entry(ApiSchema.fromOpenApi(fetcher.fetch(url)), now, null);
        } catch (Exception ex) {
            e = new Entry(ApiSchema.empty(), now, ex);
        }
        entries.put(url, e);
        return e.schema;
    }

    /** Why the last fetch for {@code url} failed, if it did. */
    public synchronized Optional<Exception> lastFailure(String url) {
        return Optional.ofNullable(entries.get(url)).map(Entry::failure);
    }
}
