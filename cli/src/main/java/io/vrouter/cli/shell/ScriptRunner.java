package io.vrouter.cli.shell;

import io.vrouter.cli.command.CommandRunner;
import io.vrouter.cli.syntax.SyntaxException;
import io.vrouter.cli.syntax.WordSplitter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.util.List;

/**
 * {@code ./vrouter cli < commands.txt}: runs one command per line without prompts, so the output holds only
 * replies. Blank lines and lines starting with {@code #} are skipped; {@code exit} stops. Like a shell script
 * without {@code set -e} it goes on after a failure, and exits with the worst status seen (2 over 1 over 0) so
 * a caller still notices.
 */
public final class ScriptRunner {

    private final CommandRunner runner;

    public ScriptRunner(CommandRunner runner) {
        this.runner = runner;
    }

    public int run(Reader input, PrintStream err) {
        int worst = CommandRunner.OK;
        int lineNo = 0;
        try (BufferedReader lines = new BufferedReader(input)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNo++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                List<String> words;
                try {
                    words = WordSplitter.split(line);
                } catch (SyntaxException e) {
                    err.println("error: line " + lineNo + ": " + e.getMessage());
                    worst = Math.max(worst, CommandRunner.USAGE);
                    continue;
                }
                if (words.size() == 1 && (words.get(0).equals("exit") || words.get(0).equals("quit"))) {
                    break;
                }
                worst = Math.max(worst, runner.run(words));
            }
        } catch (IOException e) {
            err.println("error: cannot read the input: " + e.getMessage());
            return CommandRunner.USAGE;
        }
        return worst;
    }
}
