package io.vrouter.cli.shell;

import org.jline.reader.Candidate;
import org.jline.reader.Parser;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShellCompleterTest {

    private static List<Candidate> complete(String line, int cursor) {
        List<Candidate> out = new ArrayList<>();
        new ShellCompleter(CompletionEngineTest::fixture)
                .complete(null, new DefaultParser().parse(line, cursor, Parser.ParseContext.COMPLETE), out);
        return out;
    }

    @Test
    void keyCandidatesLeaveTheWordOpenAndCarryTheDescription() {
        List<Candidate> c = complete("CreateVirtualRouterOffering na", 30);
        assertThat(c).hasSize(1);
        assertThat(c.get(0).value()).isEqualTo("name=");
        assertThat(c.get(0).complete()).isFalse();
        assertThat(c.get(0).descr()).isEqualTo("required. offering name");
    }

    @Test
    void onlyTheTextBeforeTheCursorCounts() {
        List<Candidate> c = complete("ChangeL3NetworkState stateEvent=e uuid=x", 33);
        assertThat(c).extracting(Candidate::value).containsExactly("stateEvent=enable");
        assertThat(c.get(0).displ()).isEqualTo("enable");
        assertThat(c.get(0).complete()).isTrue();
    }
}
