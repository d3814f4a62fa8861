package io.vrouter.server.hypervisor.netns;

import io.vrouter.server.api.ApiException;
import io.vrouter.server.host.Hosts;
import io.vrouter.server.host.NewHost;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetnsHostConnectorTest {
    private static final NewHost HOST = new NewHost("h1", null, "127.0.0.1", "c", "Netns", 4, 1L << 30);

    @Test
    void everythingPresent_connected() {
        assertThat(new NetnsHostConnector(tool -> true, true, applet -> true).connect(HOST)).isEqualTo(Hosts.CONNECTED);
    }

    @Test
    void refusalNamesEverythingMissingAndThePackages() {
        var connector = new NetnsHostConnector(tool -> !Set.of("nft", "dnsmasq").contains(tool), false, applet -> false);
        assertThatThrownBy(() -> connector.connect(HOST)).isInstanceOf(ApiException.class)
                .message()
                .startsWith("Netns host h1 cannot run VMs: missing root (network namespaces need it; running as ")
                .endsWith("), nft (nftables), dnsmasq (dnsmasq-base), busybox's udhcpc applet (busybox);"
                        + " install with: apt-get install nftables dnsmasq-base busybox");
    }
}
