package io.vrouter.agent.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What one command changes in one section of the state: entries removed (with their old values, so the
 * change can be undone and the dataplane can clean up after them) and entries added. A replaced entry
 * appears in both.
 */
public final class Changes<T> {

    private static final Changes<?> NONE = new Changes<>(List.of(), List.of());

    private final List<T> removed;
    private final List<T> added;

    private Changes(List<T> removed, List<T> added) {
        this.removed = Collections.unmodifiableList(removed);
        this.added = Collections.unmodifiableList(added);
    }

    @SuppressWarnings("unchecked")
    public static <T> Changes<T> none() {
        return (Changes<T>) NONE;
    }

    public List<T> removed() {
        return removed;
    }

    public List<T> added() {
        return added;
    }

    public boolean isEmpty() {
        return removed.isEmpty() && added.isEmpty();
    }

    Changes<T> inverse() {
        return isEmpty() ? this : new Changes<>(added, removed);
    }

    void applyTo(Map<String, T> section, Function<T, String> key) {
        for (T old : removed) {
            section.remove(key.apply(old));
        }
        for (T entry : added) {
            section.put(key.apply(entry), entry);
        }
    }

    /** Puts {@code entries} over {@code current}: unchanged entries are skipped, so re-sending is a no-op. */
    public static <T> Changes<T> put(Map<String, T> current, List<T> entries, Function<T, String> key) {
        Map<String, T> wanted = new LinkedHashMap<>();
        for (T entry : entries) {
            wanted.put(key.apply(entry), entry);
        }
        List<T> removed = new ArrayList<>();
        List<T> added = new ArrayList<>();
        for (Map.Entry<String, T> e : wanted.entrySet()) {
            T old = current.get(e.getKey());
            if (Objects.equals(old, e.getValue())) {
                continue;
            }
            if (old != null) {
                removed.add(old);
            }
            added.add(e.getValue());
        }
        return of(removed, added);
    }

    /** Removes the entries with these keys; keys that are absent are ignored (removal is idempotent). */
    public static <T> Changes<T> remove(Map<String, T> current, List<String> keys) {
        Map<String, T> removed = new LinkedHashMap<>();
        for (String k : keys) {
            T old = current.get(k);
            if (old != null) {
                removed.put(k, old);
            }
        }
        return of(new ArrayList<>(removed.values()), new ArrayList<>());
    }

    /** Turns {@code current} into exactly {@code entries}. */
    public static <T> Changes<T> replace(Map<String, T> current, List<T> entries, Function<T, String> key) {
        Map<String, T> wanted = new LinkedHashMap<>();
        for (T entry : entries) {
            wanted.put(key.apply(entry), entry);
        }
        List<T> removed = new ArrayList<>();
        List<T> added = new ArrayList<>();
        for (Map.Entry<String, T> e : current.entrySet()) {
            T next = wanted.get(e.getKey());
            if (!Objects.equals(next, e.getValue())) {
                removed.add(e.getValue());
            }
        }
        for (Map.Entry<String, T> e : wanted.entrySet()) {
            if (!Objects.equals(current.get(e.getKey()), e.getValue())) {
                added.add(e.getValue());
            }
        }
        return of(removed, added);
    }

    /** Changes made of these lists (for dataplane tests and tools that build deltas themselves). */
    public static <T> Changes<T> of(List<T> removed, List<T> added) {
        return removed.isEmpty() && added.isEmpty() ? none() : new Changes<>(removed, added);
    }

    @Override
    public String toString() {
        return "-" + removed.size() + "/+" + added.size();
    }
}
