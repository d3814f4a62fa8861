package io.vrouter.platform.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv4CidrTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", "1..2.3", " 1.2.3.4", "١.2.3.4"})
    void refusesAnythingButCanonicalDottedQuads(String text) {
        assertThat(Ipv4.tryParse(text)).isEmpty();
    }

    @Test
    void parsesAndPrintsBack() {
        assertThat(Ipv4.parse("10.0.0.255").toString()).isEqualTo("10.0.0.255");
        assertThat(Ipv4.parse("255.255.255.255").value()).isEqualTo(0xFFFFFFFFL);
        assertThat(Ipv4.parse("10.0.0.1").plus(255)).isEqualTo(Ipv4.parse("10.0.1.0"));
        assertThatThrownBy(() -> Ipv4.parse("x")).hasMessage("'x' is not an IPv4 address");
    }

    @Test
    void cidrRefusesHostBitsAndKnowsItsBounds() {
        assertThat(Ipv4Cidr.tryParse("10.0.0.5/24")).isEmpty();
        assertThat(Ipv4Cidr.tryParse("10.0.0.0/33")).isEmpty();
        Ipv4Cidr c = Ipv4Cidr.parse("192.168.1.0/24");
        assertThat(c.netmask()).hasToString("255.255.255.0");
        assertThat(c.broadcast()).hasToString("192.168.1.255");
        assertThat(c.contains(Ipv4.parse("192.168.1.77"))).isTrue();
        assertThat(c.contains(Ipv4.parse("192.168.2.1"))).isFalse();
        assertThat(c.overlaps(Ipv4Cidr.parse("192.168.0.0/16"))).isTrue();
        assertThat(c.overlaps(Ipv4Cidr.parse("192.168.2.0/24"))).isFalse();
        assertThat(Ipv4Cidr.of(Ipv4.parse("10.1.2.3"), Ipv4.parse("255.255.0.0"))).hasToString("10.1.0.0/16");
        assertThat(Ipv4Cidr.prefixOf(Ipv4.parse("255.0.255.0"))).isEmpty();
        assertThatThrownBy(() -> Ipv4Cidr.parse("10.0.0.5/24")).hasMessageContaining("no host bits");
    }
}
