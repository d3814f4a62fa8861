package io.vrouter.agent.nft;

import io.vrouter.agent.state.Changes;
import java.util.List;

/** Builds {@link Changes} for rendering tests without going through a command. */
final class TestChanges {

    private TestChanges() {
    }

    static <T> Changes<T> added(List<T> entries) {
        return Changes.of(List.of(), entries);
    }

    static <T> Changes<T> removed(List<T> entries) {
        return Changes.of(entries, List.of());
    }
}
