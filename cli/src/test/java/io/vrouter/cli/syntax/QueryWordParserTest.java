package io.vrouter.cli.syntax;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryWordParserTest {

    private static String parse(String... words) throws SyntaxException {
        return QueryWordParser.parse(List.of(words)).toString();
    }

    private static String condition(String word) throws SyntaxException {
        ObjectNode body = QueryWordParser.parse(List.of(word));
        return body.get("conditions").get(0).toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "name=vr1          | {\"name\":\"name\",\"op\":\"=\",\"value\":\"vr1\"}",
            "name!=vr1         | {\"name\":\"name\",\"op\":\"!=\",\"value\":\"vr1\"}",
            "cpuNum>2          | {\"name\":\"cpuNum\",\"op\":\">\",\"value\":\"2\"}",
            "cpuNum>=3         | {\"name\":\"cpuNum\",\"op\":\">=\",\"value\":\"3\"}",
            "cpuNum<4          | {\"name\":\"cpuNum\",\"op\":\"<\",\"value\":\"4\"}",
            "cpuNum<=5         | {\"name\":\"cpuNum\",\"op\":\"<=\",\"value\":\"5\"}",
            "name?=a,b         | {\"name\":\"name\",\"op\":\"in\",\"value\":\"a,b\"}",
            "name!?=x,y        | {\"name\":\"name\",\"op\":\"not in\",\"value\":\"x,y\"}",
            "name~=vr          | {\"name\":\"name\",\"op\":\"like\",\"value\":\"%vr%\"}",
            "name~=vr%         | {\"name\":\"name\",\"op\":\"like\",\"value\":\"vr%\"}",
            "name~=v_r         | {\"name\":\"name\",\"op\":\"like\",\"value\":\"v_r\"}",
            "name!~=vr         | {\"name\":\"name\",\"op\":\"not like\",\"value\":\"%vr%\"}",
            "name!~=%vr        | {\"name\":\"name\",\"op\":\"not like\",\"value\":\"%vr\"}",
            "description=null  | {\"name\":\"description\",\"op\":\"is null\"}",
            "description!=null | {\"name\":\"description\",\"op\":\"is not null\"}",
            "description!=nullx| {\"name\":\"description\",\"op\":\"!=\",\"value\":\"nullx\"}",
            "vmNics.mac=fa:d9:af:a1:38:01 | {\"name\":\"vmNics.mac\",\"op\":\"=\",\"value\":\"fa:d9:af:a1:38:01\"}",
            "description=a=b   | {\"name\":\"description\",\"op\":\"=\",\"value\":\"a=b\"}",
            "description=>=x   | {\"name\":\"description\",\"op\":\"=\",\"value\":\">=x\"}",
            "name=             | {\"name\":\"name\",\"op\":\"=\",\"value\":\"\"}",
    })
    void eachOperatorMapsToItsWireSpelling(String word, String json) throws Exception {
        assertThat(condition(word)).isEqualTo(json);
    }

    @Test
    void valueWithSpacesFromTheShellStaysOneValue() throws Exception {
        assertThat(condition("name=my vm")).isEqualTo("{\"name\":\"name\",\"op\":\"=\",\"value\":\"my vm\"}");
    }

    @Test
    void conditionsComeFirstThenReservedKeysInTheOrderGiven() throws Exception {
        assertThat(parse("limit=10", "state=Running", "start=20", "count=true", "replyWithCount=false",
                "sortBy=createDate", "sortDirection=DESC", "fields=uuid, name,,vmNics.ip", "name?=a,b"))
                .isEqualTo("{\"conditions\":[{\"name\":\"state\",\"op\":\"=\",\"value\":\"Running\"},"
                        + "{\"name\":\"name\",\"op\":\"in\",\"value\":\"a,b\"}],"
                        + "\"limit\":10,\"start\":20,\"count\":true,\"replyWithCount\":false,\"sortBy\":\"createDate\","
                        + "\"sortDirection\":\"desc\",\"fields\":[\"uuid\",\"name\",\"vmNics.ip\"]}");
    }

    @Test
    void noWordsIsAnEmptyConditionList() throws Exception {
        assertThat(parse()).isEqualTo("{\"conditions\":[]}");
    }

    @Test
    void sameFieldMayBeConstrainedTwice() throws Exception {
        assertThat(parse("cpuNum>1", "cpuNum<8")).isEqualTo("{\"conditions\":["
                + "{\"name\":\"cpuNum\",\"op\":\">\",\"value\":\"1\"},{\"name\":\"cpuNum\",\"op\":\"<\",\"value\":\"8\"}]}");
    }

    @Test
    void wordWithoutOperator() {
        assertThatThrownBy(() -> parse("name")).isInstanceOf(SyntaxException.class)
                .hasMessage("expected a condition such as name=value but got 'name'");
    }

    @Test
    void unknownOperator() {
        assertThatThrownBy(() -> parse("name!x")).isInstanceOf(SyntaxException.class)
                .hasMessage("unknown operator in 'name!x'; use one of !?= !~= != ?= ~= >= <= = > < =null !=null");
        assertThatThrownBy(() -> parse("name~x")).isInstanceOf(SyntaxException.class)
                .hasMessageStartingWith("unknown operator in 'name~x'");
    }

    @Test
    void missingFieldName() {
        assertThatThrownBy(() -> parse("!=x")).isInstanceOf(SyntaxException.class)
                .hasMessage("missing field name before '!=' in '!=x'");
    }

    @Test
    void reservedKeysTakeOnlyEquals() {
        assertThatThrownBy(() -> parse("limit>5")).isInstanceOf(SyntaxException.class)
                .hasMessage("reserved key 'limit' takes '=' only, got 'limit>5'");
    }

    @Test
    void reservedKeyTwice() {
        assertThatThrownBy(() -> parse("limit=5", "limit=6")).isInstanceOf(SyntaxException.class)
                .hasMessage("reserved key 'limit' given twice");
    }

    @Test
    void badReservedValues() {
        assertThatThrownBy(() -> parse("limit=ten")).isInstanceOf(SyntaxException.class)
                .hasMessage("'limit' must be a non-negative integer, got 'ten'");
        assertThatThrownBy(() -> parse("start=-1")).isInstanceOf(SyntaxException.class)
                .hasMessage("'start' must be a non-negative integer, got '-1'");
        assertThatThrownBy(() -> parse("count=yes")).isInstanceOf(SyntaxException.class)
                .hasMessage("'count' must be true or false, got 'yes'");
        assertThatThrownBy(() -> parse("replyWithCount=1")).isInstanceOf(SyntaxException.class)
                .hasMessage("'replyWithCount' must be true or false, got '1'");
        assertThatThrownBy(() -> parse("sortDirection=up")).isInstanceOf(SyntaxException.class)
                .hasMessage("'sortDirection' must be asc or desc, got 'up'");
    }

    @Test
    void splitFindsTheLongestOperatorAtTheFirstOperatorCharacter() {
        assertThat(QueryWordParser.split("a!?=x,y")).contains(new io.vrouter.api.QueryWords.Split("a", "!?=", "x,y"));
        assertThat(QueryWordParser.split("a!=null")).contains(new io.vrouter.api.QueryWords.Split("a", "!=", "null"));
        assertThat(QueryWordParser.split("a>=3")).contains(new io.vrouter.api.QueryWords.Split("a", ">=", "3"));
        assertThat(QueryWordParser.split("a")).isEmpty();
        assertThat(QueryWordParser.split("a?b")).contains(new io.vrouter.api.QueryWords.Split("a", null, "?b"));
    }
}
