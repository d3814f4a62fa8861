package io.vrouter.cli.syntax;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MapLiteralParserTest {

    @Test
    void seedFormOfNetworkServices() throws Exception {
        assertThat(MapLiteralParser.parseMap("{'1d1d0e9a4c3c4a7c9e3f1b2d3c4e5f60':['DHCP','SNAT']}").toString())
                .isEqualTo("{\"1d1d0e9a4c3c4a7c9e3f1b2d3c4e5f60\":[\"DHCP\",\"SNAT\"]}");
    }

    @Test
    void doubleQuotesSpacesAndSeveralKeys() throws Exception {
        assertThat(MapLiteralParser.parseMap(" { \"a\" : [ \"DHCP\" , 'DNS' ] , 'b':[] } ").toString())
                .isEqualTo("{\"a\":[\"DHCP\",\"DNS\"],\"b\":[]}");
    }

    @Test
    void nestedListsAndMapsAndScalars() throws Exception {
        assertThat(MapLiteralParser.parseMap("{'x':[[1,2],[3]],'y':{'z':True,'w':None},'n':-1.5,'f':false,'s':'a b'}")
                .toString())
                .isEqualTo("{\"x\":[[1,2],[3]],\"y\":{\"z\":true,\"w\":null},\"n\":-1.5,\"f\":false,\"s\":\"a b\"}");
    }

    @Test
    void bareWordsAreStringsAndTrailingCommasAreAccepted() throws Exception {
        assertThat(MapLiteralParser.parseMap("{abc:[DHCP,SNAT,],10.0.0.1:x,}").toString())
                .isEqualTo("{\"abc\":[\"DHCP\",\"SNAT\"],\"10.0.0.1\":\"x\"}");
    }

    @Test
    void escapesInQuotedStrings() throws Exception {
        assertThat(MapLiteralParser.parseMap("{'it\\'s':\"a\\\"b\\\\c\\n\"}").toString())
                .isEqualTo("{\"it's\":\"a\\\"b\\\\c\\n\"}");
    }

    @Test
    void emptyMap() throws Exception {
        assertThat(MapLiteralParser.parseMap("{}").toString()).isEqualTo("{}");
    }

    @Test
    void listLiteral() throws Exception {
        assertThat(MapLiteralParser.parseList("['a', 'b c', 3]").toString()).isEqualTo("[\"a\",\"b c\",3]");
    }

    @Test
    void errorsGiveThePosition() {
        assertThatThrownBy(() -> MapLiteralParser.parseMap("DHCP")).isInstanceOf(SyntaxException.class)
                .hasMessage("expected '{' at position 1");
        assertThatThrownBy(() -> MapLiteralParser.parseMap("{'a' ['DHCP']}")).isInstanceOf(SyntaxException.class)
                .hasMessage("expected ':' after key 'a' at position 6");
        assertThatThrownBy(() -> MapLiteralParser.parseMap("{'a':['DHCP' 'SNAT']}")).isInstanceOf(SyntaxException.class)
                .hasMessage("expected ',' or ']' at position 14");
        assertThatThrownBy(() -> MapLiteralParser.parseMap("{'a':['DHCP']")).isInstanceOf(SyntaxException.class)
                .hasMessage("unexpected end, expected ',' or '}' at position 14");
        assertThatThrownBy(() -> MapLiteralParser.parseMap("{'a:['DHCP']}")).isInstanceOf(SyntaxException.class)
                .hasMessage("expected ':' after key 'a:[' at position 7");
        assertThatThrownBy(() -> MapLiteralParser.parseMap("{'a':'DHCP}")).isInstanceOf(SyntaxException.class)
                .hasMessage("unclosed quote at position 6");
        assertThatThrownBy(() -> MapLiteralParser.parseMap("{'a':}")).isInstanceOf(SyntaxException.class)
                .hasMessage("expected a value at position 6");
        assertThatThrownBy(() -> MapLiteralParser.parseMap("{'a':1} x")).isInstanceOf(SyntaxException.class)
                .hasMessage("unexpected 'x' after the end at position 9");
        assertThatThrownBy(() -> MapLiteralParser.parseMap("{:1}")).isInstanceOf(SyntaxException.class)
                .hasMessage("expected a key at position 2");
        assertThatThrownBy(() -> MapLiteralParser.parseMap("")).isInstanceOf(SyntaxException.class)
                .hasMessage("unexpected end, expected '{' at position 1");
    }
}
