package io.vrouter.server.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every API the node serves, by name. Packages register their APIs at start-up; dispatch, validation, the
 * OpenAPI document and the CLI's completion all read from here, so an API exists in all of them or in none.
 */
public final class ApiCatalogue {
    private final Map<String, ApiDefinition> apis = new ConcurrentHashMap<>();

    public void register(ApiDefinition api) {
        ApiDefinition previous = apis.putIfAbsent(api.name(), api);
        if (previous != null) {
            throw new IllegalStateException("API " + api.name() + " is registered twice");
        }
    }

    public Optional<ApiDefinition> find(String name) {
        return Optional.ofNullable(apis.get(name));
    }

    /** All APIs sorted by name. */
    public Collection<ApiDefinition> all() {
        return new TreeMap<>(apis).values();
    }

    /** Names close to a mistyped one, closest first: for "unknown API, did you mean ...". */
    public List<String> closeNames(String name) {
        return closest(name, apis.keySet());
    }

    static List<String> closest(String typed, Collection<String> known) {
        String lower = typed.toLowerCase();
        int budget = Math.max(2, typed.length() / 3);
        return known.stream()
                .map(k -> Map.entry(k, distance(lower, k.toLowerCase())))
                .filter(e -> e.getValue() <= budget || e.getKey().toLowerCase().contains(lower) && lower.length() >= 4)
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .limit(5)
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Levenshtein distance; names are short, so the quadratic table is fine. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

}
