package io.vrouter.server.tag;

import io.vrouter.server.vrouter.VirtualRouterSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SystemTagFormatTest {
    private final SystemTagFormat degree = VirtualRouterSettings.COMMANDS_PARALLELISM_DEGREE;

    @Test
    void parsesPlaceholdersOfMatchingTags() {
        assertThat(degree.parse("commandsParallelismDegree::100")).contains(Map.of("parallelismDegree", "100"));
        assertThat(degree.parse("commandsParallelismDegree:100")).isEmpty();
        assertThat(degree.parse("xcommandsParallelismDegree::100")).isEmpty();
        assertThat(degree.prefix()).isEqualTo("commandsParallelismDegree::");
        assertThat(degree.render("7")).isEqualTo("commandsParallelismDegree::7");
    }

    @Test
    void checksPlaceholderValues() {
        assertThat(degree.problemWith(Map.of("parallelismDegree", "10"))).isNull();
        assertThat(degree.problemWith(Map.of("parallelismDegree", "0")))
                .isEqualTo("in tag format commandsParallelismDegree::{parallelismDegree}, {parallelismDegree} must be a whole number > 0, got '0'");
        assertThat(VirtualRouterSettings.GUEST_L3_NETWORK.problemWith(Map.of("guestL3NetworkUuid", "abc")))
                .contains("must be an L3 network uuid");
    }
}
