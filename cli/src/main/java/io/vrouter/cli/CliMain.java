package io.vrouter.cli;

import io.vrouter.cli.command.CommandRunner;
import io.vrouter.cli.command.Help;
import io.vrouter.cli.command.PasswordPrompt;
import io.vrouter.client.ApiClient;
import io.vrouter.cli.remote.SessionStore;
import io.vrouter.cli.schema.SchemaCache;
import io.vrouter.cli.shell.ScriptRunner;
import io.vrouter.cli.shell.Shell;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code vrouter cli [API key=value ...]}: runs one API and exits with 0 (success), 1 (API error) or 2 (usage
 * error, server unreachable); without arguments opens the interactive shell, or, when the input is not a terminal,
 * runs the lines of the input as a script.
 */
public final class CliMain {

    private CliMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, CliEnvironment.system()));
    }

    /** The whole CLI, with its process surroundings passed in; returns the exit status. */
    public static int run(String[] argv, CliEnvironment env) {
        Arguments arguments = new Arguments();
        try {
            // after the API name every word is the API's, "--help" included (zstack-cli's help for that API)
            new CommandLine(arguments).setStopAtPositional(true).parseArgs(argv);
        } catch (CommandLine.ParameterException e) {
            env.err().println("error: " + e.getMessage() + " (the CLI takes an API and its key=value words; --help for more)");
            return CommandRunner.USAGE;
        }
        if (arguments.help) {
            // usage must work without a server
            env.out().print(Help.USAGE);
            env.out().flush();
            return CommandRunner.OK;
        }
        String[] args = arguments.words.toArray(String[]::new);
        String url = env.env().getOrDefault("VROUTER_URL", ApiClient.DEFAULT_URL);
        ApiClient client;
        try {
            client = ApiClient.forUrl(url);
        } catch (IllegalArgumentException e) {
            env.err().println("error: VROUTER_URL: " + e.getMessage());
            return CommandRunner.USAGE;
        }
        SessionStore sessions = new SessionStore(env.stateDir());
        SchemaCache schemas = new SchemaCache(u -> client.fetchOpenApi());
        if (args.length > 0) {
            CommandRunner runner = new CommandRunner(client, sessions, schemas,
                    new PrintWriter(env.out(), true), new PrintWriter(env.err(), true));
            return runner.run(List.of(args), consolePrompt(env));
        }
        if (!env.interactive()) {
            CommandRunner runner = new CommandRunner(client, sessions, schemas,
                    new PrintWriter(env.out(), true), new PrintWriter(env.err(), true));
            return new ScriptRunner(runner).run(new InputStreamReader(env.in(), StandardCharsets.UTF_8), env.err());
        }
        try {
            sessions.createDir(); // private to the user before the history file lands in it
        } catch (IOException e) {
            env.err().println("warning: cannot create " + env.stateDir() + ": " + e.getMessage());
        }
        try (Terminal terminal = terminal(env)) {
            CommandRunner runner = new CommandRunner(client, sessions, schemas, terminal.writer(), terminal.writer());
            return new Shell(runner, env.stateDir().resolve("history")).run(terminal);
        } catch (IOException e) {
            env.err().println("error: cannot open the terminal: " + e.getMessage());
            return CommandRunner.USAGE;
        }
    }

    /** The command line: the only flag is help; everything else is zstack-cli words ({@code QueryZone name=z1}). */
    @Command(name = "vrouter cli")
    static final class Arguments {
        @Option(names = {"-h", "--help"}, usageHelp = true)
        boolean help;

        @Parameters(paramLabel = "WORD")
        List<String> words = new ArrayList<>();
    }

    /** One-shot mode asks for a missing login password only when a person sits at a terminal. */
    private static PasswordPrompt consolePrompt(CliEnvironment env) {
        Console console = System.console();
        if (console == null || !env.usesProcessStreams() || !env.interactive()) {
            return PasswordPrompt.NONE;
        }
        return prompt -> Optional.ofNullable(console.readPassword("%s", prompt)).map(String::new);
    }

    private static Terminal terminal(CliEnvironment env) throws IOException {
        if (env.usesProcessStreams()) {
            return TerminalBuilder.builder().system(true).dumb(true).name("vrouter").build();
        }
        return new DumbTerminal(env.in(), env.out());
    }
}
