package io.vrouter.server.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GlobalConfigDefinitionTest {
    @Test
    void positiveIntegersRefuseZeroTextAndOverflow() {
        GlobalConfigDefinition d = GlobalConfigDefinition.positiveInt("c", "n", 5, "d");
        assertThat(d.problemWith("5")).isNull();
        assertThat(d.problemWith("0")).isEqualTo("0 is out of range 1..2147483647");
        assertThat(d.problemWith("five")).isEqualTo("'five' is not a whole number");
        assertThat(d.problemWith("99999999999")).isEqualTo("99999999999 does not fit an integer");
    }

    @Test
    void booleansTakeOnlyTrueOrFalse() {
        GlobalConfigDefinition d = GlobalConfigDefinition.bool("c", "n", false, "d");
        assertThat(d.problemWith("true")).isNull();
        assertThat(d.problemWith("TRUE")).isEqualTo("'TRUE' is not one of [true, false]");
    }
}
