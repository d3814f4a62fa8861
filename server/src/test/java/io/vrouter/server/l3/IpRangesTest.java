package io.vrouter.server.l3;

import io.vrouter.server.api.ApiException;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules of an IP range, without a database. */
class IpRangesTest {
    private static final Ipv4 MASK24 = Ipv4.parse("255.255.255.0");

    private static Ipv4Cidr check(String start, String end, Ipv4 netmask, String gateway, IpRanges.Span... existing) {
        return IpRanges.check(Ipv4.parse(start), Ipv4.parse(end), netmask, Ipv4.parse(gateway), List.of(existing));
    }

    private static IpRanges.Span span(String start, String end) {
        return new IpRanges.Span("u1", "r1", Ipv4.parse(start).value(), Ipv4.parse(end).value(), "255.255.255.0", "10.0.0.1");
    }

    @Test
    void aValidRangeYieldsItsSubnet() {
        assertThat(check("10.0.0.2", "10.0.0.254", MASK24, "10.0.0.1")).isEqualTo(Ipv4Cidr.parse("10.0.0.0/24"));
        assertThat(check("10.0.0.5", "10.0.0.5", MASK24, "10.0.0.1")).hasToString("10.0.0.0/24");
        assertThat(check("172.16.8.1", "172.16.11.253", Ipv4.parse("255.255.252.0"), "172.16.11.254"))
                .hasToString("172.16.8.0/22");
    }

    @Test
    void aSingleAddressRangeNextToTheGatewayOfASlash30IsAllowed() {
        assertThat(check("10.9.9.10", "10.9.9.10", Ipv4.parse("255.255.255.252"), "10.9.9.9")).hasToString("10.9.9.8/30");
    }

    @Test
    void adjacentRangesDoNotOverlapButTouchingOnesDo() {
        check("10.0.0.2", "10.0.0.99", MASK24, "10.0.0.1", span("10.0.0.100", "10.0.0.200"));
        check("10.0.0.201", "10.0.0.254", MASK24, "10.0.0.1", span("10.0.0.100", "10.0.0.200"));
        assertThatThrownBy(() -> check("10.0.0.2", "10.0.0.100", MASK24, "10.0.0.1", span("10.0.0.100", "10.0.0.200")))
                .isInstanceOf(ApiException.class)
                .hasMessage("the range 10.0.0.2-10.0.0.100 overlaps IP range r1 (u1) 10.0.0.100-10.0.0.200");
    }

    @Test
    void theGatewayIsCheckedAtBothEndsOfTheRange() {
        assertThatThrownBy(() -> check("10.0.0.2", "10.0.0.10", MASK24, "10.0.0.10"))
                .hasMessage("the range 10.0.0.2-10.0.0.10 contains the gateway 10.0.0.10");
        assertThatThrownBy(() -> check("10.0.0.10", "10.0.0.20", MASK24, "10.0.0.10"))
                .hasMessage("the range 10.0.0.10-10.0.0.20 contains the gateway 10.0.0.10");
    }

    @Test
    void theGatewayMustBeAHostAddress() {
        assertThatThrownBy(() -> check("10.0.0.2", "10.0.0.10", MASK24, "10.0.0.0"))
                .hasMessage("gateway 10.0.0.0 is the network address of 10.0.0.0/24, not a host");
        assertThatThrownBy(() -> check("10.0.0.2", "10.0.0.10", MASK24, "10.0.0.255"))
                .hasMessage("gateway 10.0.0.255 is the broadcast address of 10.0.0.0/24, not a host");
    }

    @Test
    void netmasksMustBeContiguousAndLeaveRoomForHosts() {
        assertThatThrownBy(() -> check("10.0.0.2", "10.0.0.10", Ipv4.parse("255.255.255.255"), "10.0.0.1"))
                .hasMessage("netmask 255.255.255.255 (/32) leaves no room for a gateway and hosts; use /30 or a shorter prefix");
        assertThatThrownBy(() -> check("10.0.0.2", "10.0.0.10", Ipv4.parse("0.0.0.0"), "10.0.0.1"))
                .hasMessage("netmask 0.0.0.0 (/0) covers every address; use a prefix of 1 to 30");
        assertThatThrownBy(() -> check("10.0.0.2", "10.0.0.10", Ipv4.parse("255.255.0.255"), "10.0.0.1"))
                .hasMessage("netmask 255.255.0.255 is not a valid netmask: its one bits must be contiguous, e.g. 255.255.255.0");
    }
}
