package io.vrouter.tools.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchArgsTest {
    @Test
    void flagsOverrideDefaultsAndSizesMayHaveSeparators() {
        BenchArgs args = new BenchArgs(new String[]{"--vms", "100_000", "--threads", "1,000", "--db", "jdbc:h2:mem:x"});
        assertThat(args.intValue("vms", 5)).isEqualTo(100_000);
        assertThat(args.positive("threads", 5, 1)).isEqualTo(1_000);
        assertThat(args.string("db", null)).isEqualTo("jdbc:h2:mem:x");
        assertThat(args.intValue("runs", 200)).isEqualTo(200);
        args.checkAllUsed();
    }

    @Test
    void aMisspeltFlagIsAnErrorNamingTheKnownOnes() {
        BenchArgs args = new BenchArgs(new String[]{"--vm", "10"});
        args.intValue("vms", 5);
        args.string("db", null);
        assertThatThrownBy(args::checkAllUsed).hasMessage("unknown flag --vm; this benchmark takes --vms, --db");
    }

    @Test
    void malformedArgumentsAreErrors() {
        assertThatThrownBy(() -> new BenchArgs(new String[]{"vms", "10"})).hasMessage("expected --name value, got 'vms'");
        assertThatThrownBy(() -> new BenchArgs(new String[]{"--vms"})).hasMessage("--vms needs a value");
        assertThatThrownBy(() -> new BenchArgs(new String[]{"--vms", "1", "--vms", "2"})).hasMessage("--vms is given twice");
        assertThatThrownBy(() -> new BenchArgs(new String[]{"--vms", "ten"}).intValue("vms", 1))
                .hasMessage("--vms: 'ten' is not a whole number");
        assertThatThrownBy(() -> new BenchArgs(new String[]{"--vms", "0"}).positive("vms", 1, 1))
                .hasMessage("--vms must be at least 1, got 0");
    }
}
