package io.vrouter.agent.nft;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Element deletions and additions in the agent's sets and maps, applied as one transaction, deletions first (so
 * an element replaced by one with the same key is deleted, then added).
 */
public record NftElementChanges(List<NftElement> deletes, List<NftElement> adds) {

    public NftElementChanges {
        deletes = List.copyOf(deletes);
        adds = List.copyOf(adds);
    }

    public boolean isEmpty() {
        return deletes.isEmpty() && adds.isEmpty();
    }

    public int size() {
        return deletes.size() + adds.size();
    }

    /** The same changes as an nft script, for a channel that speaks only nft's language. */
    public String script() {
        StringBuilder s = new StringBuilder();
        statements(s, "delete", deletes, true);
        statements(s, "add", adds, false);
        return s.toString();
    }

    /** One statement per set, its elements in order: {@code add element ip vrouter pf_dnat { ..., ... }}. */
    static void statements(StringBuilder s, String verb, List<NftElement> elements, boolean keyOnly) {
        for (Map.Entry<String, List<NftElement>> e : bySet(elements).entrySet()) {
            s.append(verb).append(" element ").append(NftLayout.FAMILY).append(' ').append(NftLayout.TABLE)
                    .append(' ').append(e.getKey()).append(" { ");
            List<NftElement> list = e.getValue();
            for (int i = 0; i < list.size(); i++) {
                s.append(keyOnly ? list.get(i).keyText() : list.get(i).render()).append(i + 1 < list.size() ? ", " : "");
            }
            s.append(" }\n");
        }
    }

    static Map<String, List<NftElement>> bySet(List<NftElement> elements) {
        Map<String, List<NftElement>> bySet = new LinkedHashMap<>();
        for (NftElement e : elements) {
            bySet.computeIfAbsent(e.set(), k -> new ArrayList<>()).add(e);
        }
        return bySet;
    }
}
