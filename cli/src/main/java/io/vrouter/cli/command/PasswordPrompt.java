package io.vrouter.cli.command;

import java.util.Optional;

/**
 * Asks the user for a password without echoing it, so {@code LogInByAccount accountName=admin} works without
 * putting the password on the command line (where {@code ps} and the history would see it).
 */
@FunctionalInterface
public interface PasswordPrompt {

    /** No terminal to ask on: the call goes without the password and the server says it is missing. */
    PasswordPrompt NONE = prompt -> Optional.empty();

    /** The typed password, or empty when nothing can be read (end of input, no terminal). */
    Optional<String> read(String prompt);
}
