package io.vrouter.tools.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line of {@code ./vrouter bench}: usage, sizes and mistakes; no benchmark runs here. */
class BenchMainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = BenchMain.commandLine(new PrintStream(new ByteArrayOutputStream()));
        return cl.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void helpListsTheBenchmarksOnStdoutAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: vrouter bench").contains("query", "create-vms", "routers", "rules");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aBenchmarksHelpNamesItsFlags() {
        assertThat(run("rules", "--help")).isZero();
        assertThat(out.toString()).contains("--eips", "--rules", "--rule-vips", "--threads", "--db=JDBC_URL");
    }

    @Test
    void aMisspeltFlagIsAnErrorWithExitTwo() {
        assertThat(run("query", "--vm", "10")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Unknown options: '--vm', '10'").contains("Possible solutions: --vms");
    }

    @Test
    void sizesBelowTheMinimumAndNonNumbersAreErrors() {
        assertThat(run("query", "--vms", "10")).isEqualTo(2);
        assertThat(err.toString()).startsWith("--vms must be at least 1000, got 10");
        assertThat(run("rules", "--eips", "ten")).isEqualTo(2);
        assertThat(err.toString()).contains("'ten' is not a whole number");
        assertThat(run("rules", "--threads", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--threads").contains("'0' is less than 1");
        assertThat(run("create-vms", "--warmup", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--warmup").contains("'-1' is less than 0");
    }

    @Test
    void anUnknownBenchmarkOrNoneIsAnError() {
        assertThat(run("nope")).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'nope'");
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("name a benchmark: query, create-vms, routers, rules, zstack-walk or deadhost");
    }

    @Test
    void sizesMayHaveSeparators() {
        BenchMain.Size size = new BenchMain.Size();
        assertThat(size.convert("100_000")).isEqualTo(100_000);
        assertThat(size.convert("1,000")).isEqualTo(1_000);
        assertThatThrownBy(() -> size.convert("ten")).hasMessage("'ten' is not a whole number");
    }
}
