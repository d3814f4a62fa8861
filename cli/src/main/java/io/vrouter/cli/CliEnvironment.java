package io.vrouter.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI takes from its process, injectable so tests use a temporary home and a fake server instead of the
 * real {@code ~/.vrouter} and environment.
 *
 * @param env  environment variables ({@code VROUTER_URL})
 * @param home the user's home directory; state lives in {@code home/.vrouter}
 * @param in   standard input
 * @param out  standard output: replies
 * @param err  standard error: diagnostics
 * @param interactive whether a person types the input (a terminal), else the shell reads a script
 */
public record CliEnvironment(Map<String, String> env, Path home, InputStream in, PrintStream out, PrintStream err,
                             boolean interactive) {

    public static CliEnvironment system() {
        // $HOME first, as shells and zstack-cli use it; the JVM's user.home comes from the password database
        String home = System.getenv("HOME");
        return new CliEnvironment(System.getenv(),
                Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home")),
                System.in, System.out, System.err, System.console() != null);
    }

    /** The CLI's state directory: session and history. */
    public Path stateDir() {
        return home.resolve(".vrouter");
    }

    boolean usesProcessStreams() {
        return in == System.in && out == System.out;
    }
}
