package io.vrouter.server.tag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A system tag format such as {@code commandsParallelismDegree::{parallelismDegree}}: literal text with
 * {@code {placeholders}}, the resource types it may be put on, and a check for each placeholder's value.
 */
public final class SystemTagFormat {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    private final String format;
    private final Set<String> resourceTypes;
    private final Pattern pattern;
    private final List<String> placeholders;
    private final Map<String, Predicate<String>> checks;
    private final Map<String, String> expectations;

    private SystemTagFormat(String format, Set<String> resourceTypes, Map<String, Predicate<String>> checks,
                            Map<String, String> expectations) {
        this.format = format;
        this.resourceTypes = Set.copyOf(resourceTypes);
        this.checks = Map.copyOf(checks);
        this.expectations = Map.copyOf(expectations);
        StringBuilder regex = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(format);
        int last = 0;
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            regex.append(Pattern.quote(format.substring(last, m.start()))).append("(.+?)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(format.substring(last)));
        this.pattern = Pattern.compile(regex.toString());
        this.placeholders = List.copyOf(names);
    }

    public static Builder of(String format, String... resourceTypes) {
        return new Builder(format, Set.of(resourceTypes));
    }

    public String format() {
        return format;
    }

    public Set<String> resourceTypes() {
        return resourceTypes;
    }

    /** The literal text before the first placeholder, e.g. {@code guestL3Network::}. */
    public String prefix() {
        int brace = format.indexOf('{');
        return brace < 0 ? format : format.substring(0, brace);
    }

    /** The placeholder values when the tag has this format (whatever their content), else empty. */
    public Optional<Map<String, String>> parse(String tag) {
        Matcher m = pattern.matcher(tag);
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < placeholders.size(); i++) {
            values.put(placeholders.get(i), m.group(i + 1));
        }
        return Optional.of(values);
    }

    /** Null when every placeholder's value passes its check, else what is wrong. */
    public String problemWith(Map<String, String> values) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            Predicate<String> check = checks.get(e.getKey());
            if (check != null && !check.test(e.getValue())) {
                return "in tag format " + format + ", {" + e.getKey() + "} must be " + expectations.get(e.getKey())
                        + ", got '" + e.getValue() + "'";
            }
        }
        return null;
    }

    /** The tag text for the given placeholder values, in placeholder order. */
    public String render(String... values) {
        String text = format;
        for (int i = 0; i < placeholders.size(); i++) {
            text = text.replace("{" + placeholders.get(i) + "}", values[i]);
        }
        return text;
    }

    /** Builds a format; every placeholder should get a check. */
    public static final class Builder {
        private final String format;
        private final Set<String> resourceTypes;
        private final Map<String, Predicate<String>> checks = new LinkedHashMap<>();
        private final Map<String, String> expectations = new LinkedHashMap<>();

        private Builder(String format, Set<String> resourceTypes) {
            this.format = format;
            this.resourceTypes = resourceTypes;
        }

        public Builder check(String placeholder, String expectation, Predicate<String> check) {
            checks.put(placeholder, check);
            expectations.put(placeholder, expectation);
            return this;
        }

        public SystemTagFormat build() {
            return new SystemTagFormat(format, resourceTypes, checks, expectations);
        }
    }
}
