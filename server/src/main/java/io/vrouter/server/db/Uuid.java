package io.vrouter.server.db;

import java.util.regex.Pattern;

/** Resource identifiers as ZStack writes them: 32 lower-case hex digits, no dashes. */
public final class Uuid {
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32}");

    private Uuid() {
    }

    public static String random() {
        return java.util.UUID.randomUUID().toString().replace("-", "");
    }

    public static boolean isValid(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }
}
