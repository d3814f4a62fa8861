package io.vrouter.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vrouter.api.QueryCondition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParamConverterTest {
    private final ParamConverter converter = new ParamConverter(new ObjectMapper());
    private final ObjectMapper json = new ObjectMapper();
    private final JsonNodeFactory f = JsonNodeFactory.instance;

    @Test
    void numbersAndBooleansMayComeAsText() {
        assertThat(converter.convert(ApiParam.required("n", ParamType.INTEGER, ""), f.textNode("42"))).isEqualTo(42);
        assertThat(converter.convert(ApiParam.required("n", ParamType.LONG, ""), f.numberNode(1073741824L))).isEqualTo(1073741824L);
        assertThat(converter.convert(ApiParam.required("b", ParamType.BOOLEAN, ""), f.textNode("true"))).isEqualTo(true);
        assertThatThrownBy(() -> converter.convert(ApiParam.required("b", ParamType.BOOLEAN, ""), f.textNode("yes")))
                .hasMessage("parameter b: expected true or false, got \"yes\"");
        assertThatThrownBy(() -> converter.convert(ApiParam.required("n", ParamType.INTEGER, ""), f.textNode("99999999999")))
                .hasMessage("parameter n: 99999999999 is out of range -2147483648..2147483647");
    }

    @Test
    void listsMayComeCommaSeparated() {
        assertThat(converter.convert(ApiParam.required("l", ParamType.STRING_LIST, ""), f.textNode("a, b,c")))
                .isEqualTo(List.of("a", "b", "c"));
        assertThatThrownBy(() -> converter.convert(ApiParam.required("l", ParamType.UUID_LIST, ""), f.textNode("a,b")))
                .hasMessage("parameter l: 'a' is not a uuid (32 lower-case hex digits)");
        assertThatThrownBy(() -> converter.convert(ApiParam.required("l", ParamType.STRING_LIST, ""), f.textNode("a,,b")))
                .hasMessageContaining("empty element");
    }

    @Test
    void addressesAreCheckedStrictly() {
        assertThatThrownBy(() -> converter.convert(ApiParam.required("ip", ParamType.IPV4, ""), f.textNode("10.0.0.256")))
                .hasMessage("parameter ip: '10.0.0.256' is not an IPv4 address");
        assertThatThrownBy(() -> converter.convert(ApiParam.required("cidr", ParamType.CIDR, ""), f.textNode("10.0.0.1/24")))
                .hasMessageContaining("is not an IPv4 CIDR");
        assertThat(converter.convert(ApiParam.required("cidr", ParamType.CIDR, ""), f.textNode("10.0.0.0/24"))).isEqualTo("10.0.0.0/24");
    }

    @Test
    void choicesAndRangesApplyToEveryElement() {
        ApiParam services = ApiParam.required("s", ParamType.STRING_LIST, "").withChoices("DHCP", "DNS");
        assertThatThrownBy(() -> converter.convert(services, f.textNode("DHCP,FTP")))
                .hasMessage("parameter s: 'FTP' is not one of [DHCP, DNS]");
        ApiParam vlan = ApiParam.required("vlan", ParamType.INTEGER, "").withRange(1, 4094);
        assertThatThrownBy(() -> converter.convert(vlan, f.numberNode(4095))).hasMessage("parameter vlan: 4095 is out of range 1..4094");
        ApiParam name = ApiParam.required("name", ParamType.STRING, "").withRange(1, 255);
        assertThatThrownBy(() -> converter.convert(name, f.textNode(""))).hasMessage("parameter name: length 0 is out of range 1..255");
    }

    @Test
    void mapsAndConditionsAreParsed() throws Exception {
        Object map = converter.convert(ApiParam.required("m", ParamType.MAP, ""), json.readTree("{\"p\":[\"DHCP\"]}"));
        assertThat(map).isEqualTo(Map.of("p", List.of("DHCP")));
        Object conditions = converter.convert(ApiParam.required("c", ParamType.CONDITIONS, ""),
                json.readTree("[{\"name\":\"a\",\"op\":\"IS NULL\"},{\"name\":\"b\",\"op\":\"in\",\"value\":\"x,y\"}]"));
        assertThat(conditions).isEqualTo(List.of(new QueryCondition("a", "is null", null), new QueryCondition("b", "in", "x,y")));
        assertThatThrownBy(() -> converter.convert(ApiParam.required("c", ParamType.CONDITIONS, ""),
                json.readTree("[{\"name\":\"a\",\"op\":\"~\",\"value\":\"1\"}]")))
                .hasMessageStartingWith("condition on a: unknown operator '~'");
        assertThatThrownBy(() -> converter.convert(ApiParam.required("c", ParamType.CONDITIONS, ""),
                json.readTree("[{\"name\":\"a\",\"op\":\"=\"}]")))
                .hasMessage("condition on a with operator '=' needs a value");
    }
}
