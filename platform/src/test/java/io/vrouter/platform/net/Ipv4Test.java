package io.vrouter.platform.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ipv4Test {

    @Test
    void parsesAndFormats() {
        assertThat(Ipv4.parse("10.1.0.255").toString()).isEqualTo("10.1.0.255");
        assertThat(Ipv4.parse("255.255.255.255").toString()).isEqualTo("255.255.255.255");
        assertThat(Ipv4.ofBits(Ipv4.parse("203.0.113.9").bits())).isEqualTo(Ipv4.parse("203.0.113.9"));
        assertThat(Ipv4.parse("255.255.255.255").bits()).isEqualTo(-1);
    }

    @Test
    void rejectsWhatIsNotADottedQuad() {
        for (String bad : new String[] {"10.1.0.256", "10.1.0", "10.1.0.1.2", "010.1.0.1", "a.b.c.d", "10..0.1",
                "10.1.0.1 ", "", "1234.1.1.1", "example.test"}) {
            assertThatThrownBy(() -> Ipv4.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + bad + "' is not an IPv4 address");
        }
    }

    @Test
    void netmasksMustBeContiguous() {
        assertThat(Ipv4Cidr.prefixLength("255.255.255.0")).isEqualTo(24);
        assertThat(Ipv4Cidr.prefixLength("0.0.0.0")).isZero();
        assertThatThrownBy(() -> Ipv4Cidr.prefixLength("255.0.255.0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'255.0.255.0' is not a contiguous netmask");
    }

    @Test
    void cidrIsNormalisedToItsNetwork() {
        assertThat(Ipv4Cidr.parseNormalising("10.1.0.7/24")).hasToString("10.1.0.0/24");
        assertThat(Ipv4Cidr.of("10.1.2.3", "255.255.0.0")).hasToString("10.1.0.0/16");
        assertThat(Ipv4Cidr.parseNormalising("10.1.2.3")).hasToString("10.1.2.3/32");
        assertThatThrownBy(() -> Ipv4Cidr.parseNormalising("10.1.0.0/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'10.1.0.0/x' is not a CIDR: the prefix length must be 0-32");
    }

    @Test
    void cidrPrefixTakesAsciiDigitsOnly() {
        // Arabic-Indic "24" and full-width "24": digits to Character.isDigit, numbers to Integer.parseInt
        for (String bad : new String[] {"10.1.0.0/\u0662\u0664", "10.1.0.0/\uFF12\uFF14"}) {
            assertThatThrownBy(() -> Ipv4Cidr.parseNormalising(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + bad + "' is not a CIDR: the prefix length must be 0-32");
        }
    }

    @Test
    void macsAreNormalised() {
        assertThat(Mac.normalize("02-AB-00-00-00-0F")).isEqualTo("02:ab:00:00:00:0f");
        assertThatThrownBy(() -> Mac.normalize("02:ab:00:00:00")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'02:ab:00:00:00' is not a MAC address");
    }
}
