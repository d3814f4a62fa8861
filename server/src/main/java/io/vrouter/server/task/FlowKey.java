package io.vrouter.server.task;

import java.util.Objects;

/**
 * A typed key into a {@link FlowContext}. Keys compare by identity, so declare each once as a constant shared by
 * the steps that exchange the value: {@code static final FlowKey<String> VR_UUID = FlowKey.of("vrUuid");}
 *
 * @param <T> the type of the value stored under the key
 */
public final class FlowKey<T> {

    private final String name;

    private FlowKey(String name) {
        this.name = name;
    }

    public static <T> FlowKey<T> of(String name) {
        Objects.requireNonNull(name, "name");
        return new FlowKey<>(name);
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
