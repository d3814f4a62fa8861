package io.vrouter.agent.dnsmasq;

import static org.assertj.core.api.Assertions.assertThat;

import io.vrouter.agent.core.Samples;
import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.DnsInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsmasqRendererTest {

    private final DnsmasqRenderer renderer = new DnsmasqRenderer(Path.of("/data/dnsmasq"));

    private static DhcpInfo entry(boolean defaultL3) {
        return new DhcpInfo("10.1.0.5", "02:00:00:00:03:05", "255.255.255.0", "10.1.0.1", List.of("10.1.0.1", "8.8.8.8"),
                "web1", Samples.GUEST_MAC, "vr.test", defaultL3, 1450);
    }

    @Test
    void mainConfigReadsNoHostFileAndServesOnlyGuestNics() {
        String conf = renderer.mainConf(List.of(new ServedNic("eth2", "10.1.0.1", "255.255.255.0")));
        assertThat(conf).contains("no-hosts\n", "no-resolv\n", "strict-order\n", "bind-dynamic\n",
                "interface=eth2\n", "dhcp-range=set:nic-eth2,10.1.0.1,static,255.255.255.0,infinite\n",
                "dhcp-hostsdir=/data/dnsmasq/dhcp-hosts\n", "dhcp-optsdir=/data/dnsmasq/dhcp-opts\n",
                "hostsdir=/data/dnsmasq/hosts\n", "servers-file=/data/dnsmasq/servers\n",
                "dhcp-leasefile=/data/dnsmasq/leases\n", "pid-file=/data/dnsmasq/dnsmasq.pid\n");
        assertThat(conf).doesNotContain("/etc/");
    }

    @Test
    void hostLineIsAStaticLeaseTaggedWithItsOptions() {
        DhcpInfo e = entry(true);
        assertThat(renderer.hostLine(e))
                .isEqualTo("02:00:00:00:03:05,set:" + renderer.optionTag(e) + ",10.1.0.5,web1,infinite\n");
        assertThat(renderer.nameLine(e)).isEqualTo("10.1.0.5 web1 web1.vr.test\n");
        assertThat(DnsmasqRenderer.hostFileName(e)).isEqualTo("02-00-00-00-03-05");
    }

    @Test
    void defaultL3GetsRouterAndDns() {
        DhcpInfo e = entry(true);
        String tag = "tag:" + renderer.optionTag(e) + ",option:";
        assertThat(renderer.optionsFile(e)).isEqualTo(tag + "router,10.1.0.1\n" + tag + "dns-server,10.1.0.1,8.8.8.8\n"
                + tag + "netmask,255.255.255.0\n" + tag + "domain-name,vr.test\n" + tag + "mtu,1450\n");
    }

    @Test
    void nonDefaultL3GetsEmptyRouterAndDnsSoNoneAreSent() {
        DhcpInfo e = entry(false);
        String tag = "tag:" + renderer.optionTag(e) + ",option:";
        assertThat(renderer.optionsFile(e)).startsWith(tag + "router\n" + tag + "dns-server\n");
        assertThat(renderer.optionTag(e)).isNotEqualTo(renderer.optionTag(entry(true)));
    }

    @Test
    void entriesOfOneNetworkShareATag() {
        DhcpInfo other = new DhcpInfo("10.1.0.6", "02:00:00:00:03:06", "255.255.255.0", "10.1.0.1",
                List.of("10.1.0.1", "8.8.8.8"), null, Samples.GUEST_MAC, "vr.test", true, 1450);
        assertThat(renderer.optionTag(other)).isEqualTo(renderer.optionTag(entry(true))).matches("o[0-9a-f]{10}");
    }

    @Test
    void serversKeepTheirOrder() {
        assertThat(renderer.serversFile(List.of(new DnsInfo("9.9.9.9", null), new DnsInfo("1.1.1.1", null))))
                .isEqualTo("server=9.9.9.9\nserver=1.1.1.1\n");
    }
}
