package io.vrouter.cli.syntax;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line typed in the shell into words the way a POSIX shell (and zstack-cli's {@code shlex.split}) does,
 * so a command copied from a terminal works the same inside the shell and as {@code ./vrouter cli ...}:
 * whitespace separates words, {@code '...'} is literal, {@code "..."} honours {@code \"} and {@code \\}, a
 * backslash outside quotes escapes the next character, and quoted parts glue to their neighbours
 * ({@code name="my vm"} is the one word {@code name=my vm}).
 */
public final class WordSplitter {

    /**
     * The words of a partially typed line, for completion.
     *
     * @param complete the words before the one under the cursor
     * @param partial  the word under the cursor, unquoted; empty when the line ends with a separator
     */
    public record Partial(List<String> complete, String partial) {
    }

    private WordSplitter() {
    }

    /** Splits a whole line; an unclosed quote is an error since the user would lose part of the value. */
    public static List<String> split(String line) throws SyntaxException {
        Scan scan = scan(line);
        if (scan.openQuote != 0) {
            throw new SyntaxException("unclosed " + (scan.openQuote == '\'' ? "single" : "double") + " quote in: " + line);
        }
        List<String> words = scan.words;
        if (scan.inWord) {
            words.add(scan.current.toString());
        }
        return words;
    }

    /** Splits the text before the cursor, never failing: an unclosed quote just belongs to the partial word. */
    public static Partial splitPartial(String lineBeforeCursor) {
        Scan scan = scan(lineBeforeCursor);
        return new Partial(List.copyOf(scan.words), scan.inWord ? scan.current.toString() : "");
    }

    private static final class Scan {
        final List<String> words = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        boolean inWord;
        char openQuote;
    }

    private static Scan scan(String line) {
        Scan s = new Scan();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (s.openQuote == '\'') {
                if (c == '\'') {
                    s.openQuote = 0;
                } else {
                    s.current.append(c);
                }
            } else if (s.openQuote == '"') {
                if (c == '"') {
                    s.openQuote = 0;
                } else if (c == '\\' && i + 1 < n && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                    s.current.append(line.charAt(++i));
                } else {
                    s.current.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (s.inWord) {
                    s.words.add(s.current.toString());
                    s.current.setLength(0);
                    s.inWord = false;
                }
            } else {
                s.inWord = true;
                if (c == '\'' || c == '"') {
                    s.openQuote = c;
                } else if (c == '\\' && i + 1 < n) {
                    s.current.append(line.charAt(++i));
                } else {
                    s.current.append(c);
                }
            }
            i++;
        }
        return s;
    }
}
