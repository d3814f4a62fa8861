package io.vrouter.tools.bench;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A benchmark's {@code --name value} arguments. Every flag a benchmark reads it names with its default, so a
 * misspelt flag is an error ({@link #checkAllUsed}) instead of a silently ignored size.
 */
final class BenchArgs {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> used = new LinkedHashSet<>();

    BenchArgs(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (!flag.startsWith("--") || flag.length() == 2) {
                throw new IllegalArgumentException("expected --name value, got '" + flag + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            if (values.put(flag.substring(2), args[++i]) != null) {
                throw new IllegalArgumentException(flag + " is given twice");
            }
        }
    }

    int intValue(String name, int defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            // 100_000 and 100,000 read as sizes do
            return Integer.parseInt(v.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + v + "' is not a whole number");
        }
    }

    /** A whole number at least {@code min}. */
    int positive(String name, int defaultValue, int min) {
        int v = intValue(name, defaultValue);
        if (v < min) {
            throw new IllegalArgumentException("--" + name + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    String string(String name, String defaultValue) {
        used.add(name);
        return values.getOrDefault(name, defaultValue);
    }

    /** Call after reading every flag: an unread one is a typo. */
    void checkAllUsed() {
        for (String name : values.keySet()) {
            if (!used.contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name + "; this benchmark takes " + prefixed(used));
            }
        }
    }

    private static String prefixed(Set<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(sb.length() == 0 ? "" : ", ").append("--").append(n);
        }
        return sb.toString();
    }
}
