package io.vrouter.server.api;

import java.util.Optional;

/**
 * The one rule for text a user gives the node (names, descriptions, tags, addresses, query values): what it may
 * not contain, and why.
 * <ul>
 *   <li>NUL: PostgreSQL refuses it at write time (a 500 after validation), C strings end at it;</li>
 *   <li>other C0 and C1 control characters and DEL: invisible, and they rewrite a terminal that prints them
 *       (escape sequences in a name shown by the CLI, a log line split by a CR);</li>
 *   <li>line breaks (CR, LF, U+0085, U+2028, U+2029) and tabs outside free text: a name is one line in a table,
 *       a log and a config file;</li>
 *   <li>bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make a name display as
 *       another ("Trojan Source");</li>
 *   <li>zero-width characters (U+200B-U+200D, U+2060, U+FEFF): two names that look the same and differ;</li>
 *   <li>an unpaired surrogate: not a character; PostgreSQL's UTF-8 refuses it.</li>
 * </ul>
 * Tabs and line breaks are allowed in free text (a description may have paragraphs).
 */
public final class TextRules {
    private TextRules() {
    }

    /** What is wrong with {@code text}, or empty when it passes; {@code multiLine} allows tabs and line breaks. */
    public static Optional<String> problem(String text, boolean multiLine) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            String what = refused(c, multiLine);
            if (what != null) {
                return Optional.of(String.format("%s (U+%04X) at position %d", what, (int) c, i));
            }
        }
        return Optional.empty();
    }

    private static String refused(char c, boolean multiLine) {
        if (c == '\t' || c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
            return multiLine ? null : (c == '\t' ? "a tab" : "a line break");
        }
        if (c == 0) {
            return "a NUL character";
        }
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            return "a control character";
        }
        if ((c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
            return "a bidirectional override";
        }
        if ((c >= '\u200b' && c <= '\u200d') || c == '\u2060' || c == '\ufeff') {
            return "a zero-width character";
        }
        if (Character.isSurrogate(c)) {
            return "an unpaired surrogate";
        }
        return null;
    }
}
