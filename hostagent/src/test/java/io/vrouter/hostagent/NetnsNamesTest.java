package io.vrouter.hostagent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetnsNamesTest {
    private static final String UUID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private final NetnsNames names = new NetnsNames("vnab12");

    @Test
    void linkNamesFitIfnamsizAndCarryThePrefixAndKind() {
        assertThat(names.bridge(UUID)).isEqualTo("vnab12b0a1b2c3d").hasSize(15);
        assertThat(names.vlan(UUID)).isEqualTo("vnab12v0a1b2c3d");
        assertThat(names.hostVeth(UUID)).isEqualTo("vnab12n0a1b2c3d");
        assertThat(names.ownsLink("vnab12b0a1b2c3d")).isTrue();
        assertThat(names.ownsLink("vnab12xout0")).isTrue();
        assertThat(names.ownsLink("vnab99b0a1b2c3d")).isFalse();
        assertThat(names.ownsLink("eth0")).isFalse();
    }

    @Test
    void theFabricAndTheLinksOfOneL2() {
        assertThat(names.fabric()).isEqualTo("vnab12fabric");
        assertThat(names.vmOfNamespace(names.fabric())).isNull();
        assertThat(names.ownsExtraNamespace(names.fabric())).isFalse();
        assertThat(names.managementPort(UUID)).isEqualTo("vnab12m0a1b2c3d");
        assertThat(names.ownsLink("vnab12m0a1b2c3d")).isTrue();
        assertThat(names.isBridge(names.bridge(UUID))).isTrue();
        assertThat(names.isBridge(names.vlan(UUID))).isFalse();
        assertThat(names.vlanOfBridge(names.bridge(UUID))).isEqualTo(names.vlan(UUID));
        assertThat(names.managementPortOfBridge(names.bridge(UUID))).isEqualTo(names.managementPort(UUID));
        assertThat(names.bridgeOfManagementPort(names.managementPort(UUID))).isEqualTo(names.bridge(UUID));
    }

    @Test
    void namespacesCarryTheWholeVmUuid() {
        assertThat(names.namespace(UUID)).isEqualTo("vnab12-" + UUID);
        assertThat(names.vmOfNamespace("vnab12-" + UUID)).isEqualTo(UUID);
        assertThat(names.vmOfNamespace("vnab12xout")).isNull();
        assertThat(names.vmOfNamespace("other-" + UUID)).isNull();
        assertThat(names.ownsExtraNamespace("vnab12xout")).isTrue();
    }

    @Test
    void aSparesNamespaceIsNoVmsNorAnExtra_andNoOtherInstallationsNameLooksLikeOne() {
        assertThat(names.spareNamespace("0a1b2c3d")).isEqualTo("vnab12s0a1b2c3d");
        assertThat(names.ownsSpareNamespace("vnab12s0a1b2c3d")).isTrue();
        assertThat(names.vmOfNamespace("vnab12s0a1b2c3d")).isNull();
        assertThat(names.ownsExtraNamespace("vnab12s0a1b2c3d")).isFalse();
        assertThat(names.ownsSpareNamespace(names.fabric())).isFalse();
        assertThat(names.ownsSpareNamespace("vnab12s0a1b2c3d9")).isFalse();
        assertThat(new NetnsNames("vn").ownsSpareNamespace("vnab12s0a1b2c3d")).isFalse();
        assertThatThrownBy(() -> names.spareNamespace("xyz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badPrefixOrExtraNameIsRefusedWithTheRule() {
        assertThatThrownBy(() -> new NetnsNames("toolong1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("netns name prefix 'toolong1' must be 2-6 characters [a-z0-9], starting with a letter");
        assertThatThrownBy(() -> names.extra("123456789")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extra name vnab12x123456789 must be [a-z0-9] and at most 15 characters");
    }
}
