package io.vrouter.server.query;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The queryable inventories by name. Relations name their target, resolved here at query time. */
public final class QueryRegistry {
    private final Map<String, Inventory> inventories = new ConcurrentHashMap<>();

    public void register(Inventory inventory) {
        if (inventories.putIfAbsent(inventory.name(), inventory) != null) {
            throw new IllegalStateException("inventory " + inventory.name() + " is registered twice");
        }
    }

    public Optional<Inventory> find(String name) {
        return Optional.ofNullable(inventories.get(name));
    }

    public Inventory get(String name) {
        return find(name).orElseThrow(() -> new IllegalStateException("no inventory named " + name));
    }
}
