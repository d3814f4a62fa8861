package io.vrouter.server.config;

import java.util.List;

/**
 * A global configuration a package registers at start-up.
 *
 * @param category     e.g. {@code virtualRouter}
 * @param name         e.g. {@code command.parallelismDegree}
 * @param type         how values are checked
 * @param defaultValue the value until someone updates it
 * @param min          inclusive lower bound for numbers, or null
 * @param max          inclusive upper bound for numbers, or null
 * @param choices      the only allowed values, or empty
 */
public record GlobalConfigDefinition(String category, String name, String description, Type type,
                                     String defaultValue, Long min, Long max, List<String> choices) {
    public enum Type { BOOLEAN, INTEGER, LONG, STRING }

    public static GlobalConfigDefinition bool(String category, String name, boolean defaultValue, String description) {
        return new GlobalConfigDefinition(category, name, description, Type.BOOLEAN, String.valueOf(defaultValue),
                null, null, List.of("true", "false"));
    }

    public static GlobalConfigDefinition positiveInt(String category, String name, int defaultValue, String description) {
        return new GlobalConfigDefinition(category, name, description, Type.INTEGER, String.valueOf(defaultValue),
                1L, (long) Integer.MAX_VALUE, List.of());
    }

    public String key() {
        return category + "/" + name;
    }

    /** Null when the value is acceptable, else what is wrong with it. */
    public String problemWith(String value) {
        if (value == null) {
            return "a value is required";
        }
        if (!choices.isEmpty() && !choices.contains(value)) {
            return "'" + value + "' is not one of " + choices;
        }
        if (type == Type.INTEGER || type == Type.LONG) {
            long v;
            try {
                v = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                return "'" + value + "' is not a whole number";
            }
            if (type == Type.INTEGER && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
                return v + " does not fit an integer";
            }
            if ((min != null && v < min) || (max != null && v > max)) {
                return v + " is out of range " + (min == null ? "" : min) + ".." + (max == null ? "" : max);
            }
        }
        return null;
    }
}
