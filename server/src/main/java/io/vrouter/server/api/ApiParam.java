package io.vrouter.server.api;

import java.util.List;

/**
 * One parameter of an API. Build with {@link #required} or {@link #optional} and refine with the {@code with...}
 * methods; the dispatcher enforces all of it before a handler runs.
 *
 * <p>Every text parameter is held to {@link TextRules}: one line of printable text by default,
 * {@link #multiLine()} for free text such as descriptions, {@link #secret()} for a password (any characters,
 * never quoted back in an error). Its length limit ({@link #withRange}) is the column it is stored in, which
 * a test checks against the schema; a text parameter without a declared limit gets {@link #DEFAULT_MAX_LENGTH}.
 */
public record ApiParam(String name, ParamType type, boolean required, List<String> choices,
                       Long min, Long max, Object defaultValue, String description, TextForm text) {

    /** The limit of a text parameter that declares none: the longest text column of the schema. */
    public static final long DEFAULT_MAX_LENGTH = 2048;

    /** What characters a text parameter may hold; see {@link TextRules}. */
    public enum TextForm {
        /** a name, an address, a tag: printable, one line */
        LINE,
        /** free text (descriptions): printable, may hold tabs and line breaks */
        MULTI_LINE,
        /** a password: any characters; its value never appears in an error */
        SECRET
    }

    public static ApiParam required(String name, ParamType type, String description) {
        return new ApiParam(name, type, true, List.of(), null, null, null, description, TextForm.LINE);
    }

    public static ApiParam optional(String name, ParamType type, String description) {
        return new ApiParam(name, type, false, List.of(), null, null, null, description, TextForm.LINE);
    }

    public ApiParam withChoices(String... allowed) {
        return new ApiParam(name, type, required, List.of(allowed), min, max, defaultValue, description, text);
    }

    /** Inclusive range for numbers; for strings and lists, the allowed length. */
    public ApiParam withRange(long minimum, long maximum) {
        return new ApiParam(name, type, required, choices, minimum, maximum, defaultValue, description, text);
    }

    public ApiParam withDefault(Object value) {
        return new ApiParam(name, type, false, choices, min, max, value, description, text);
    }

    /** Free text: tabs and line breaks allowed. */
    public ApiParam multiLine() {
        return new ApiParam(name, type, required, choices, min, max, defaultValue, description, TextForm.MULTI_LINE);
    }

    /** A password: no character rules, and errors never quote it. */
    public ApiParam secret() {
        return new ApiParam(name, type, required, choices, min, max, defaultValue, description, TextForm.SECRET);
    }

    /** The longest text this parameter takes (for a list: each element). */
    public long maxTextLength() {
        return type.isList() || max == null ? DEFAULT_MAX_LENGTH : max;
    }
}
