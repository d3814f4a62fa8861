package io.vrouter.cli.syntax;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WordSplitterTest {

    @Test
    void splitsOnWhitespace() throws Exception {
        assertThat(WordSplitter.split("  QueryZone   name=a\tlimit=3 ")).containsExactly("QueryZone", "name=a", "limit=3");
        assertThat(WordSplitter.split("   ")).isEmpty();
    }

    @Test
    void doubleQuotesGlueToTheKeyAndKeepSpaces() throws Exception {
        assertThat(WordSplitter.split("CreateZone name=\"my zone\" description=x"))
                .containsExactly("CreateZone", "name=my zone", "description=x");
    }

    @Test
    void singleQuotesAreLiteral() throws Exception {
        assertThat(WordSplitter.split("X a='b \"c\" \\d'")).containsExactly("X", "a=b \"c\" \\d");
    }

    @Test
    void mapLiteralInsideDoubleQuotesKeepsItsSingleQuotes() throws Exception {
        assertThat(WordSplitter.split("AttachNetworkServiceToL3Network l3NetworkUuid=u "
                + "networkServices=\"{'1d1d':['DHCP', 'SNAT']}\""))
                .containsExactly("AttachNetworkServiceToL3Network", "l3NetworkUuid=u",
                        "networkServices={'1d1d':['DHCP', 'SNAT']}");
    }

    @Test
    void backslashEscapes() throws Exception {
        assertThat(WordSplitter.split("X a=b\\ c d=\"e\\\"f\\\\g\\h\"")).containsExactly("X", "a=b c", "d=e\"f\\g\\h");
    }

    @Test
    void emptyQuotedValueIsKept() throws Exception {
        assertThat(WordSplitter.split("X description=\"\" \"\"")).containsExactly("X", "description=", "");
    }

    @Test
    void unclosedQuoteIsAnError() {
        assertThatThrownBy(() -> WordSplitter.split("X name=\"my vm"))
                .isInstanceOf(SyntaxException.class).hasMessage("unclosed double quote in: X name=\"my vm");
        assertThatThrownBy(() -> WordSplitter.split("X name='my"))
                .isInstanceOf(SyntaxException.class).hasMessage("unclosed single quote in: X name='my");
    }

    @Test
    void partialLineSeparatesTheWordUnderTheCursor() {
        assertThat(WordSplitter.splitPartial("QueryZone na")).isEqualTo(
                new WordSplitter.Partial(java.util.List.of("QueryZone"), "na"));
        assertThat(WordSplitter.splitPartial("QueryZone name=a ")).isEqualTo(
                new WordSplitter.Partial(java.util.List.of("QueryZone", "name=a"), ""));
        assertThat(WordSplitter.splitPartial("X name=\"my v")).isEqualTo(
                new WordSplitter.Partial(java.util.List.of("X"), "name=my v"));
        assertThat(WordSplitter.splitPartial("")).isEqualTo(new WordSplitter.Partial(java.util.List.of(), ""));
    }
}
