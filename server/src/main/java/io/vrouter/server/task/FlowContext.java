package io.vrouter.server.task;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data the steps of one {@link FlowChain} run hand to each other and to their rollbacks: what a step made (an
 * allocated ip, a created VM's uuid) is what its rollback must undo. Typed keys keep the casts here. Safe to use
 * from several threads, for a step that fans work out; values are never null.
 */
public final class FlowContext {

    private final Map<FlowKey<?>, Object> values = new ConcurrentHashMap<>();

    public <T> FlowContext put(FlowKey<T> key, T value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, () -> "null value for '" + key + "'");
        values.put(key, value);
        return this;
    }

    /** @throws IllegalStateException naming the key when no value is there, a step-ordering bug */
    public <T> T get(FlowKey<T> key) {
        return find(key).orElseThrow(() -> new IllegalStateException("No value for '" + key + "' in the flow context"));
    }

    @SuppressWarnings("unchecked") // put() only stores a T under a FlowKey<T>
    public <T> Optional<T> find(FlowKey<T> key) {
        return Optional.ofNullable((T) values.get(Objects.requireNonNull(key, "key")));
    }

    public boolean contains(FlowKey<?> key) {
        return values.containsKey(key);
    }

    @SuppressWarnings("unchecked")
    public <T> Optional<T> remove(FlowKey<T> key) {
        return Optional.ofNullable((T) values.remove(Objects.requireNonNull(key, "key")));
    }
}
