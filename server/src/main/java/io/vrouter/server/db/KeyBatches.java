package io.vrouter.server.db;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Reads rows by a list of keys ({@code WHERE key IN (...)}) a batch at a time, so one statement never carries more
 * than {@link #SIZE} keys: long IN lists plan badly and PostgreSQL caps a statement's bind values. One statement per
 * batch, never one per key.
 */
public final class KeyBatches {
    public static final int SIZE = 1000;

    private KeyBatches() {
    }

    /** What {@code readBatch} returns for each batch of at most {@link #SIZE} keys, batch after batch. */
    public static <K, R> List<R> read(Collection<K> keys, Function<List<K>, ? extends Collection<? extends R>> readBatch) {
        List<K> all = keys instanceof List<K> list ? list : new ArrayList<>(keys);
        List<R> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += SIZE) {
            out.addAll(readBatch.apply(all.subList(from, Math.min(all.size(), from + SIZE))));
        }
        return out;
    }
}
