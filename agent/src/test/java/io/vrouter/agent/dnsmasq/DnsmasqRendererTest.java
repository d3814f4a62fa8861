package io.vrouter.agent.dnsmasq;

import static org.assertj.core.api.Assertions.assertThat;

import io.vrouter.agent.state.Changes;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.core.Samples;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.DnsInfo;
import io.vrouter.agent.protocol.NicInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class DnsmasqRendererTest {

    private final DnsmasqRenderer renderer = new DnsmasqRenderer(Path.of("/data/dnsmasq"));

    private static DhcpInfo entry(boolean defaultL3) {
        return new DhcpInfo("10.1.0.5", "02:00:00:00:03:05", "255.255.255.0", "10.1.0.1", List.of("10.1.0.1", "8.8.8.8"),
                "web1", Samples.GUEST_MAC, "vr.test", defaultL3, 1450);
    }

    // ---------------------------------------------------------------- served nics, per typology of the seed

    private static final String MGMT_MAC = "02:00:00:00:00:01";
    private static final String PUBLIC_MAC = "02:00:00:00:01:01";
    private static final String GUEST_MAC = "02:00:00:00:02:01";

    /** eth0, eth1, ... in the order the nics were added, as a router's nics are numbered. */
    private static Function<String, String> ifnames(List<NicInfo> nics) {
        List<String> macs = nics.stream().map(NicInfo::mac).toList();
        return mac -> "eth" + macs.indexOf(mac);
    }

    private static NicInfo nic(String mac, String ip, String category, boolean defaultRoute) {
        return new NicInfo(ip, mac, null, "255.255.255.0", defaultRoute, category, "L2NoVlanNetwork", null, 1500);
    }

    /** A guest's static entry whose router nic is {@code vrNicMac}. */
    private static DhcpInfo host(String vrNicMac, String ip) {
        return new DhcpInfo(ip, "02:00:00:00:03:" + ip.substring(ip.lastIndexOf('.') + 1), "255.255.255.0", null,
                List.of(), null, vrNicMac, null, true, null);
    }

    private static DesiredState state(List<NicInfo> nics, List<DhcpInfo> hosts, List<DnsInfo> dns) {
        DesiredState state = new DesiredState();
        state.apply(StateDelta.builder().nics(Changes.of(List.of(), nics)).dhcp(Changes.of(List.of(), hosts))
                .dns(List.of(), dns).build());
        return state;
    }

    private String servedConf(List<NicInfo> nics, List<DhcpInfo> hosts, List<DnsInfo> dns) {
        return renderer.mainConf(DnsmasqRenderer.servedNics(state(nics, hosts, dns), ifnames(nics)));
    }

    private static List<String> interfaceLines(String conf) {
        List<String> lines = new ArrayList<>();
        conf.lines().filter(l -> l.startsWith("interface=") || l.startsWith("dhcp-range=")).forEach(lines::add);
        return lines;
    }

    @Test
    void separateNetworks_onlyTheGuestNicIsServed() {
        List<NicInfo> nics = List.of(nic(MGMT_MAC, "100.64.1.5", "Management", false),
                nic(PUBLIC_MAC, "203.0.113.5", "Public", true), nic(GUEST_MAC, "10.1.0.1", "Private", false));
        assertThat(interfaceLines(servedConf(nics, List.of(host(GUEST_MAC, "10.1.0.7")), List.of(new DnsInfo("8.8.8.8", GUEST_MAC)))))
                .containsExactly("interface=eth2", "dhcp-range=set:nic-eth2,10.1.0.1,static,255.255.255.0,infinite");
    }

    @Test
    void publicAndManagementCombined_separateGuest_onlyTheGuestNicIsServed() {
        // the management node labels the combined nic Management (its trust level); DHCP names only the guest nic
        List<NicInfo> nics = List.of(nic(MGMT_MAC, "100.64.1.5", "Management", true), nic(GUEST_MAC, "10.1.0.1", "Private", false));
        assertThat(interfaceLines(servedConf(nics, List.of(host(GUEST_MAC, "10.1.0.7")), List.of(new DnsInfo("100.64.1.9", GUEST_MAC)))))
                .containsExactly("interface=eth1", "dhcp-range=set:nic-eth1,10.1.0.1,static,255.255.255.0,infinite");
    }

    @Test
    void flatPublicIsGuest_theSharedNicIsServedWhateverItsCategory() {
        // the vrouter management node labels it Private (it is a guest L3); one labelling it Public is served too
        for (String category : List.of("Private", "Public")) {
            List<NicInfo> nics = List.of(nic(MGMT_MAC, "100.64.1.5", "Management", false),
                    nic(PUBLIC_MAC, "203.0.113.5", category, true));
            assertThat(interfaceLines(servedConf(nics, List.of(host(PUBLIC_MAC, "203.0.113.7")), List.of())))
                    .as(category).containsExactly("interface=eth1", "dhcp-range=set:nic-eth1,203.0.113.5,static,255.255.255.0,infinite");
        }
    }

    @Test
    void allThreeCombined_theOneNicIsServedOnceAGuestOrAnUpstreamNamesIt() {
        List<NicInfo> nics = List.of(nic(MGMT_MAC, "100.64.1.5", "Management", true));
        String served = "interface=eth0";
        assertThat(interfaceLines(servedConf(nics, List.of(host(MGMT_MAC, "100.64.1.7")), List.of()))).contains(served);
        assertThat(interfaceLines(servedConf(nics, List.of(), List.of(new DnsInfo("100.64.1.9", MGMT_MAC))))).contains(served);
        assertThat(DnsmasqRenderer.servedNics(state(nics, List.of(), List.of(new DnsInfo("100.64.1.9", null))), ifnames(nics)))
                .as("a management-only nic: nothing to serve").isEmpty();
    }

    @Test
    void publicOnlyAndManagementOnlyNicsAreNeverServed() {
        List<NicInfo> nics = List.of(nic(MGMT_MAC, "100.64.1.5", "Management", false), nic(PUBLIC_MAC, "203.0.113.5", "Public", true));
        DesiredState state = state(nics, List.of(), List.of(new DnsInfo("8.8.8.8", null)));
        assertThat(DnsmasqRenderer.servedNics(state, ifnames(nics))).isEmpty();
        assertThat(renderer.mainConf(List.of())).doesNotContain("interface=", "dhcp-range=");
    }

    @Test
    void leasesOfHostsNoLongerServedAreDropped_otherLinesKept() {
        String file = "duid 00:01:00:01:2c:aa:bb:cc\n"
                + "0 02:00:00:00:03:05 10.1.0.5 web1 01:02:00:00:00:03:05\n"
                + "0 02:00:00:00:03:06 10.1.0.6 web2 *\n";
        assertThat(DnsmasqRenderer.leasesOf(file, java.util.Set.of("02:00:00:00:03:06")))
                .isEqualTo("duid 00:01:00:01:2c:aa:bb:cc\n0 02:00:00:00:03:06 10.1.0.6 web2 *\n");
        assertThat(DnsmasqRenderer.leasesOf(file, java.util.Set.of())).isEqualTo("duid 00:01:00:01:2c:aa:bb:cc\n");
        assertThat(DnsmasqRenderer.leasesOf("", java.util.Set.of())).isEmpty();
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
