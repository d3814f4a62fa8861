package io.vrouter.agent;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class AgentMainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new AgentMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void helpPrintsUsageOnStdoutAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: vrouter agent").contains("--config=FILE");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void withoutAConfigItExitsTwoSayingWhatIsMissing() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).startsWith("Error: Missing required argument (specify one of these): (--config=FILE | --spare=DIR)").contains("Usage: vrouter agent");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aConfigAndASpareDirectoryTogetherExitTwo() {
        assertThat(run("--config", "/x", "--spare", "/y")).isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void anUnknownFlagExitsTwo() {
        assertThat(run("--config", "/x", "--verbose")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Unknown option: '--verbose'");
    }
}
