package io.vrouter.hostagent;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HostCheckTest {
    @Test
    void everythingPresent_noProblem() {
        assertThat(new HostCheck(tool -> true, true, applet -> true).problems()).isNull();
    }

    @Test
    void answerNamesEverythingMissingAndThePackages() {
        var check = new HostCheck(tool -> !Set.of("nft", "dnsmasq").contains(tool), false, applet -> false);
        assertThat(check.problems())
                .startsWith("missing root (network namespaces need it; running as ")
                .endsWith("), nft (nftables), dnsmasq (dnsmasq-base), busybox's udhcpc applet (busybox);"
                        + " install with: apt-get install nftables dnsmasq-base busybox");
    }
}
