package io.vrouter.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryWordsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "name=vm1|name|=|vm1",
            "cpuNum!=2|cpuNum|!=|2",
            "memorySize>1024|memorySize|>|1024",
            "memorySize>=1024|memorySize|>=|1024",
            "cpuNum<4|cpuNum|<|4",
            "cpuNum<=4|cpuNum|<=|4",
            "state?=Running,Stopped|state|in|Running,Stopped",
            "state!?=Running,Stopped|state|not in|Running,Stopped",
            "name~=web|name|like|%web%",
            "name~=web%|name|like|web%",
            "name!~=web|name|not like|%web%",
            "vmNics.ip=10.0.0.5|vmNics.ip|=|10.0.0.5",
            "description=a=b|description|=|a=b",
            "description=x!=y|description|=|x!=y",
    })
    void parsesEveryOperator(String word, String name, String op, String value) {
        assertThat(QueryWords.parse(word)).contains(new QueryCondition(name, op, value));
    }

    @Test
    void nullTestsTakeNoValue() {
        assertThat(QueryWords.parse("hostUuid=null")).contains(new QueryCondition("hostUuid", "is null", null));
        assertThat(QueryWords.parse("hostUuid!=null")).contains(new QueryCondition("hostUuid", "is not null", null));
    }

    @Test
    void aWordWithoutOperatorOrNameIsNotACondition() {
        assertThat(QueryWords.parse("justaword")).isEmpty();
        assertThat(QueryWords.parse("=value")).isEmpty();
    }

    @Test
    void operatorsAreReadFromTheWire() {
        assertThat(QueryOp.fromWire("NOT  IN")).contains(QueryOp.NOT_IN);
        assertThat(QueryOp.fromWire("~")).isEmpty();
    }
}
