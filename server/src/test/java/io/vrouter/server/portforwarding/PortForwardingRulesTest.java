package io.vrouter.server.portforwarding;

import io.vrouter.api.ErrorCode;
import io.vrouter.server.api.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The port defaults and range checks, without a node. */
class PortForwardingRulesTest {

    @Test
    void defaultsFollowTheVipRange() {
        assertThat(PortForwardingRules.Ports.of(80, null, null, null, "TCP"))
                .isEqualTo(new PortForwardingRules.Ports(80, 80, 80, 80, "TCP"));
        assertThat(PortForwardingRules.Ports.of(80, 90, null, null, "UDP"))
                .isEqualTo(new PortForwardingRules.Ports(80, 90, 80, 90, "UDP"));
        assertThat(PortForwardingRules.Ports.of(80, 90, 8080, null, "TCP"))
                .isEqualTo(new PortForwardingRules.Ports(80, 90, 8080, 8090, "TCP"));
        assertThat(PortForwardingRules.Ports.of(80, 90, null, 20, "TCP"))
                .isEqualTo(new PortForwardingRules.Ports(80, 90, 10, 20, "TCP"));
        assertThat(PortForwardingRules.Ports.of(65535, null, 1, null, "TCP"))
                .isEqualTo(new PortForwardingRules.Ports(65535, 65535, 1, 1, "TCP"));
    }

    @Test
    void edgesOfTheDerivedPrivateRange() {
        assertThat(PortForwardingRules.Ports.of(1, 10, 65526, null, "TCP").privateEnd()).isEqualTo(65535);
        assertThat(PortForwardingRules.Ports.of(1, 10, null, 10, "TCP").privateStart()).isEqualTo(1);
        assertRefused(() -> PortForwardingRules.Ports.of(1, 10, 65527, null, "TCP"),
                "privatePortStart 65527 leaves no room for the 10 ports of VIP range 1-10: the private range would end at 65536, beyond 65535");
        assertRefused(() -> PortForwardingRules.Ports.of(1, 10, null, 9, "TCP"),
                "privatePortEnd 9 leaves no room for the 10 ports of VIP range 1-10: the private range would start at 0");
    }

    @Test
    void rangesMustBeOrderedAndEqual() {
        assertRefused(() -> PortForwardingRules.Ports.of(81, 80, null, null, "TCP"), "vipPortStart 81 is greater than vipPortEnd 80");
        assertRefused(() -> PortForwardingRules.Ports.of(80, 80, 81, 80, "TCP"), "privatePortStart 81 is greater than privatePortEnd 80");
        assertRefused(() -> PortForwardingRules.Ports.of(80, 81, 80, 80, "TCP"),
                "the VIP port range 80-81 has 2 port(s) but the private port range 80-80 has 1; they must be the same size");
        assertThat(PortForwardingRules.Ports.of(80, 80, null, null, "TCP").vipRange()).isEqualTo("80");
        assertThat(PortForwardingRules.Ports.of(80, 81, null, null, "TCP").vipRange()).isEqualTo("80-81");
    }

    private static void assertRefused(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOf(ApiException.class).hasMessage(message)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
