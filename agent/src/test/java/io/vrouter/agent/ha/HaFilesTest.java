package io.vrouter.agent.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.agent.protocol.VipTO;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What keepalived and conntrackd are given, read as text. */
class HaFilesTest {
    private static final Map<String, String> IFNAMES = Map.of("02:00:00:00:02:01", "eth2", "02:00:00:00:01:01", "eth1",
            "02:00:00:00:00:01", "eth0");
    private final HaFiles files = new HaFiles(Path.of("/run/vr/ha"));

    private static HaConfig config(String peer) {
        return new HaConfig(true, 42, "02:00:00:00:02:01", peer, 100,
                List.of(new HaConfig.FloatingAddress("10.1.0.1", 24, "02:00:00:00:02:01"),
                        new HaConfig.FloatingAddress("192.0.2.99", 24, "02:00:00:00:01:01")),
                List.of("192.0.2.1"), "02:00:00:00:00:01", "172.16.0.11", false);
    }

    @Test
    void keepalivedSpeaksUnicastToItsPeerWithoutPreemptionAndFloatsEveryAddressAndVip() {
        VipTO vip = new VipTO("192.0.2.50", "255.255.255.255", "192.0.2.1", "02:00:00:00:01:01", "vip-1");
        String conf = files.keepalived("vr 1", config("10.1.0.3"), List.of(vip), IFNAMES::get, "10.1.0.2");
        assertThat(conf).contains("vrrp_version 3").contains("nopreempt").contains("state BACKUP")
                .contains("interface eth2").contains("virtual_router_id 42").contains("advert_int 0.10")
                .contains("unicast_src_ip 10.1.0.2").contains("unicast_peer {\n        10.1.0.3\n    }")
                .contains("virtual_ipaddress {\n        10.1.0.1/24 dev eth2\n    }")
                .contains("virtual_ipaddress_excluded {\n        192.0.2.99/24 dev eth1\n        192.0.2.50/32 dev eth1\n    }")
                .contains("notify_fifo /run/vr/ha/notify.fifo").contains("stand_down weight 0")
                .contains("track_script {\n        monitor").contains("router_id vr_1");
    }

    @Test
    void aRouterWithoutPeerHasAnEmptyPeerListAndNoMonitorWithoutMonitorIps() {
        HaConfig alone = new HaConfig(true, 42, "02:00:00:00:02:01", null, 1000, config(null).floatingAddresses(), List.of(),
                "02:00:00:00:00:01", null, false);
        String conf = files.keepalived("vr", alone, List.of(), IFNAMES::get, "10.1.0.2");
        assertThat(conf).contains("unicast_peer {\n    }").contains("advert_int 1.00").doesNotContain("vrrp_script monitor");
    }

    @Test
    void conntrackdSyncsReliablyOverTheManagementNicAndIgnoresTheRoutersOwnAddresses() {
        String conf = files.conntrackd(config("10.1.0.3"), "172.16.0.10", "eth0", List.of("172.16.0.10", "10.1.0.2"));
        assertThat(conf).contains("Mode FTFW").contains("IPv4_address 172.16.0.10")
                .contains("IPv4_Destination_Address 172.16.0.11").contains("Interface eth0")
                .contains("IPv4_address 10.1.0.2").contains("Port 3780").contains("Path /run/vrouter-ha/");
    }

    @Test
    void theMonitorScriptPingsEachMonitorAddress() {
        assertThat(files.monitorScript(config("10.1.0.3"))).contains("busybox ping -c 1 -W 1 192.0.2.1").endsWith("exit 1\n");
    }
}
