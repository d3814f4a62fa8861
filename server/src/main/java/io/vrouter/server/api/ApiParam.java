package io.vrouter.server.api;

import java.util.List;

/**
 * One parameter of an API. Build with {@link #required} or {@link #optional} and refine with the {@code with...}
 * methods; the dispatcher enforces all of it before a handler runs.
 */
public record ApiParam(String name, ParamType type, boolean required, List<String> choices,
                       Long min, Long max, Object defaultValue, String description) {

    public static ApiParam required(String name, ParamType type, String description) {
        return new ApiParam(name, type, true, List.of(), null, null, null, description);
    }

    public static ApiParam optional(String name, ParamType type, String description) {
        return new ApiParam(name, type, false, List.of(), null, null, null, description);
    }

    public ApiParam withChoices(String... allowed) {
        return new ApiParam(name, type, required, List.of(allowed), min, max, defaultValue, description);
    }

    /** Inclusive range for numbers; for strings and lists, the allowed length. */
    public ApiParam withRange(long minimum, long maximum) {
        return new ApiParam(name, type, required, choices, minimum, maximum, defaultValue, description);
    }

    public ApiParam withDefault(Object value) {
        return new ApiParam(name, type, false, choices, min, max, value, description);
    }
}
