package io.vrouter.cli.shell;

import io.vrouter.cli.command.CommandRunner;
import io.vrouter.cli.syntax.SyntaxException;
import io.vrouter.cli.syntax.WordSplitter;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The interactive shell: reads a line, runs it as a command, prints the reply, and goes on whatever happened.
 * Ctrl-C drops the line being typed or abandons the call in flight; Ctrl-D, {@code exit} or {@code quit} leave.
 */
public final class Shell {

    static final String PROMPT = "vrouter >>> ";

    private final CommandRunner runner;
    private final Path historyFile;

    /**
     * @param runner      runs each command; it must print to the terminal's writer
     * @param historyFile where history is kept across sessions, e.g. {@code ~/.vrouter/history}
     */
    public Shell(CommandRunner runner, Path historyFile) {
        this.runner = runner;
        this.historyFile = historyFile;
    }

    /** Runs until end of input or {@code exit}; returns the exit status of the CLI (0). */
    public int run(Terminal terminal) {
        LineReader reader = newReader(terminal);
        PrintWriter err = terminal.writer();
        Thread shellThread = Thread.currentThread();
        // outside readLine, Ctrl-C interrupts the shell thread, which abandons the HTTP call in flight;
        // readLine installs its own handler while reading and restores this one afterwards
        terminal.handle(Terminal.Signal.INT, signal -> shellThread.interrupt());
        try {
            while (true) {
                Thread.interrupted(); // a Ctrl-C between calls must not cancel the next one
                String line;
                try {
                    line = reader.readLine(PROMPT);
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    return 0;
                }
                List<String> words;
                try {
                    words = WordSplitter.split(line);
                } catch (SyntaxException e) {
                    err.println("error: " + e.getMessage());
                    err.flush();
                    continue;
                }
                if (words.size() == 1 && (words.get(0).equals("exit") || words.get(0).equals("quit"))) {
                    return 0;
                }
                runner.run(words, prompt -> readPassword(reader, prompt));
            }
        } finally {
            saveHistory(reader);
        }
    }

    private static Optional<String> readPassword(LineReader reader, String prompt) {
        try {
            return Optional.of(reader.readLine(prompt, '*'));
        } catch (UserInterruptException | EndOfFileException e) {
            return Optional.empty();
        }
    }

    LineReader newReader(Terminal terminal) {
        prepareHistoryFile();
        DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(false);
        return LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("vrouter")
                .parser(parser)
                .completer(new ShellCompleter(runner::schema))
                .variable(LineReader.HISTORY_FILE, historyFile)
                // a login line carries the password: keep it out of the history file
                .variable(LineReader.HISTORY_IGNORE, "*password=*")
                // '!' starts history expansion in JLine, which would eat the != and !?= operators
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .build();
    }

    /** The history shows what was done, so it is private to the user like the session file. */
    private void prepareHistoryFile() {
        try {
            Files.createDirectories(historyFile.getParent());
            if (!Files.exists(historyFile)
                    && historyFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(historyFile, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            }
        } catch (IOException e) {
            // without a history file the shell still works; JLine reports its own trouble
        }
    }

    private static void saveHistory(LineReader reader) {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            // losing history is no reason to fail the exit
        }
    }
}
