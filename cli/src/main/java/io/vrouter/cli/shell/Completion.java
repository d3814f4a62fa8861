package io.vrouter.cli.shell;

/**
 * One completion candidate.
 *
 * @param value       the whole word that replaces the word under the cursor, e.g. {@code state=Enabled}
 * @param display     what the list of candidates shows, e.g. {@code Enabled}
 * @param description a hint shown next to it, may be empty
 * @param complete    whether the word is finished (a space follows); false for {@code key=}
 */
public record Completion(String value, String display, String description, boolean complete) {
}
