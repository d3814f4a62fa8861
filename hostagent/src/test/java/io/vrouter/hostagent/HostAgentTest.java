package io.vrouter.hostagent;

import io.vrouter.platform.process.CommandRunner;
import io.vrouter.agent.protocol.hostagent.L2TO;
import io.vrouter.agent.protocol.hostagent.NicTO;
import io.vrouter.agent.protocol.hostagent.VmTO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backend on its own, as root: what a VM and an L2 become on the host (bridges in the installation's fabric
 * namespace, none in the host's), idempotence, VLAN sub-interfaces, the management port, reconcile of an older
 * layout, and the refusal of a management subnet the host already routes. VMs here are specs built by hand (no DHCP server, no
 * agent), on names of a fresh prefix removed after each test.
 */
@Timeout(120)
class HostAgentTest {
    private static final String L2 = "11111111111111111111111111111111";
    private static final String VLAN_L2 = "22222222222222222222222222222222";
    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20));
    private HostAgent hypervisor;
    private Path workDir;
    private String physical;

    @BeforeEach
    void setUp(@TempDir Path dir) {
        workDir = dir;
        String reason = new HostCheck().problems();
        Assumptions.assumeTrue(reason == null, () -> "needs a Netns-capable host: " + reason);
        hypervisor = new HostAgent(new HostAgentSettings(dir, null, Duration.ofSeconds(5), null, true, true));
        // a stand-in "physical" interface: a dummy of this run, never a real one
        physical = hypervisor.names().extra("phy");
        runner.check(List.of("ip", "link", "add", physical, "type", "veth", "peer", "name", hypervisor.names().extra("phz")), null);
    }

    @AfterEach
    void tearDown() {
        if (hypervisor != null) {
            runner.run(List.of("ip", "link", "del", physical), null);
            hypervisor.cleanAll();
            hypervisor.close();
            assertThat(HostTesting.leftovers(hypervisor.names().prefix())).isEmpty();
        }
    }

    private static VmTO userVm(String uuid, NicTO... nics) {
        return new VmTO(uuid, "vm-" + uuid.substring(0, 4), false, List.of(nics), null);
    }

    private static VmTO router(String uuid, NicTO mgmt) {
        return new VmTO(uuid, "vr", true, List.of(mgmt), "0123456789abcdef0123");
    }

    private static L2TO l2(String uuid, String physical, Integer vlan) {
        return new L2TO(uuid, vlan == null ? L2TO.NO_VLAN : L2TO.VLAN, physical, vlan);
    }

    private static NicTO nic(String uuid, String l2, String physical, Integer vlan, String mac, int device) {
        return new NicTO(uuid, device, mac, l2(l2, physical, vlan), "10.9.0." + (10 + device), "255.255.255.0", "10.9.0.1",
                device == 0);
    }

    @Test
    void userVm_isANamespaceWithVethsCarryingTheMacsOnTheL2Bridges_idempotent() {
        VmTO vm = userVm("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                nic("a1000000000000000000000000000000", L2, "eth0", null, "fa:16:3e:00:00:01", 0),
                nic("a2000000000000000000000000000000", VLAN_L2, physical, 100, "fa:16:3e:00:00:02", 1));
        hypervisor.start(vm);
        hypervisor.start(vm); // starting a running VM changes nothing
        String ns = hypervisor.names().namespace(vm.uuid());

        assertThat(masterInFabric(hypervisor.names().hostVeth("a1000000000000000000000000000000"))).isEqualTo(hypervisor.names().bridge(L2));
        assertThat(runner.check(List.of("ip", "-n", ns, "link", "show", "eth0"), null).stdout()).contains("fa:16:3e:00:00:01").contains("UP");
        assertThat(runner.check(List.of("ip", "-n", ns, "link", "show", "eth1"), null).stdout()).contains("fa:16:3e:00:00:02");
        // a VLAN L2 on an existing interface: its sub-interface is a port of the bridge, in the fabric; its parent
        // stays on the host, enslaved to nothing; a no-VLAN L2 leaves eth0 alone
        String vlan = hypervisor.names().vlan(VLAN_L2);
        if (vlanSupported()) {
            assertThat(runner.check(List.of("ip", "-n", fabric(), "-d", "link", "show", vlan), null).stdout())
                    .contains("vlan protocol 802.1Q id 100").contains("master " + hypervisor.names().bridge(VLAN_L2));
            assertThat(Path.of("/sys/class/net", vlan)).as("not in the host namespace").doesNotExist();
        } else {
            System.out.println("this kernel cannot create VLAN interfaces: the VLAN L2 is a bridge alone");
            assertThat(masterInFabric(hypervisor.names().bridge(VLAN_L2))).isNull();
        }
        assertThat(Path.of("/sys/class/net", physical)).exists();
        assertThat(Path.of("/sys/class/net", physical, "master")).as("the parent is enslaved to nothing").doesNotExist();
        assertThat(Path.of("/sys/class/net", "eth0", "master")).doesNotExist();
        assertThat(Path.of("/etc/netns", ns, "resolv.conf")).exists();

        hypervisor.stop(vm);
        hypervisor.stop(vm);
        assertThat(runner.check(List.of("ip", "-n", ns, "link", "show", "eth0"), null).stdout()).contains("state DOWN");
        assertThat(runner.run(List.of("ip", "netns", "pids", ns), null).stdout()).isBlank();

        hypervisor.destroy(vm);
        hypervisor.destroy(vm);
        assertThat(Path.of("/run/netns", ns)).doesNotExist();
        assertThat(Path.of("/etc/netns", ns)).doesNotExist();
        assertThat(fabricLinks()).as("a bridge without ports goes").doesNotContain(hypervisor.names().bridge(L2), hypervisor.names().bridge(VLAN_L2), vlan);
    }

    @Test
    void bothEndsOfAVmsVeth_carryBigTcpPackets() {
        VmTO vm = userVm("b1e00000000000000000000000000000",
                nic("be100000000000000000000000000000", L2, "eth0", null, "fa:16:3e:00:00:0b", 0));
        hypervisor.start(vm);
        BigTcp reader = BigTcp.of(BigTcp.DEFAULT_SIZE);
        Assumptions.assumeTrue(hypervisor.bigTcpBytes() > 0, () -> "no IPv4 BIG TCP on kernel " + System.getProperty("os.version")
                + " (Linux 6.3): links keep 64 KiB packets; " + reader.gsoIpv4MaxSize(hypervisor.names().namespace(vm.uuid()), "eth0"));
        assertThat(reader.gsoIpv4MaxSize(hypervisor.names().namespace(vm.uuid()), "eth0")).as("the VM's end").isEqualTo(BigTcp.DEFAULT_SIZE);
        assertThat(reader.gsoIpv4MaxSize(fabric(), hypervisor.names().hostVeth("be100000000000000000000000000000")))
                .as("the bridge's end").isEqualTo(BigTcp.DEFAULT_SIZE);
    }

    @Test
    void startAfterTheNamespaceVanished_whileItsVethOutlivedIt_makesANewPair() {
        VmTO vm = userVm("cccccccccccccccccccccccccccccccc",
                nic("c1000000000000000000000000000000", L2, "eth0", null, "fa:16:3e:00:00:03", 0));
        hypervisor.start(vm);
        String ns = hypervisor.names().namespace(vm.uuid());
        String hostEnd = hypervisor.names().hostVeth("c1000000000000000000000000000000");
        // what a deleted namespace whose links the kernel has not reaped yet looks like: the host end is still
        // there, its VM end is not in the namespace of that name (here it is parked in another namespace)
        String parking = hypervisor.names().extra("park");
        runner.check(List.of("ip", "netns", "add", parking), null);
        hypervisor.stop(vm);
        runner.check(List.of("ip", "-n", ns, "link", "set", "eth0", "netns", parking), null);
        runner.check(List.of("ip", "netns", "del", ns), null);
        assertThat(fabricLinks()).contains(hostEnd);

        hypervisor.start(vm);

        assertThat(runner.check(List.of("ip", "-n", ns, "link", "show", "eth0"), null).stdout()).contains("fa:16:3e:00:00:03").contains("UP");
        assertThat(masterInFabric(hostEnd)).isEqualTo(hypervisor.names().bridge(L2));
        assertThat(runner.run(List.of("ip", "-n", parking, "link", "show", "eth0"), null).succeeded()).as("the old pair is gone").isFalse();
    }

    @Test
    void prepare_plumbsWhatIpMadeBefore_withoutStartingTheGuest_thenStartBootsIt_andARestartedAgentAdoptsItAsItIs() {
        String nicUuid = "d1000000000000000000000000000000";
        VmTO vm = userVm("dddd0000000000000000000000000000", nic(nicUuid, L2, "eth0", null, "fa:16:3e:00:00:0d", 0));
        String ns = hypervisor.names().namespace(vm.uuid());
        String hostEnd = hypervisor.names().hostVeth(nicUuid);

        hypervisor.prepare(vm);

        // the links as `ip link add ... type veth peer ... netns ...`, `master`, `up` made them
        String vmEnd = runner.check(List.of("ip", "-n", ns, "-d", "link", "show", "eth0"), null).stdout();
        assertThat(vmEnd).contains("fa:16:3e:00:00:0d").contains("state UP").contains("mtu 1500").contains("veth");
        assertThat(runner.check(List.of("ip", "-n", ns, "link", "show", "lo"), null).stdout()).contains("UP");
        String bridgeEnd = runner.check(List.of("ip", "-n", fabric(), "-d", "link", "show", hostEnd), null).stdout();
        assertThat(bridgeEnd).contains("state UP").contains("mtu 1500").contains("master " + hypervisor.names().bridge(L2)).contains("veth");
        assertThat(runner.run(List.of("ip", "netns", "pids", ns), null).stdout()).as("no DHCP client before the start").isBlank();

        hypervisor.prepare(vm); // idempotent
        hypervisor.start(vm);

        assertThat(runner.run(List.of("ip", "netns", "pids", ns), null).stdout()).as("the guest's DHCP client").isNotBlank();
        String ifindexBefore = ifindex(ns, "eth0");

        // a host agent restarted on the same files: it adopts the VM as it is, the pair is not made again
        HostAgent restarted = new HostAgent(new HostAgentSettings(workDir, null, Duration.ofSeconds(5), null, true, true));
        try {
            restarted.adopt();
            assertThat(ifindex(ns, "eth0")).isEqualTo(ifindexBefore);
            assertThat(masterInFabric(hostEnd)).isEqualTo(hypervisor.names().bridge(L2));
            assertThat(runner.check(List.of("ip", "-n", ns, "link", "show", "eth0"), null).stdout()).contains("state UP");
            assertThat(runner.run(List.of("ip", "netns", "pids", ns), null).stdout()).isNotBlank();
        } finally {
            restarted.close();
        }
    }

    private String ifindex(String ns, String ifname) {
        return runner.check(List.of("ip", "-n", ns, "-o", "link", "show", ifname), null).stdout().split(":")[0];
    }

    /** Whether this kernel creates VLAN interfaces (probed on the stand-in interface). */
    private boolean vlanSupported() {
        String probe = hypervisor.names().extra("vlp");
        boolean ok = runner.run(List.of("ip", "link", "add", "link", physical, "name", probe, "type", "vlan", "id", "4000"), null).succeeded();
        runner.run(List.of("ip", "link", "del", probe), null);
        return ok;
    }

    @Test
    void applianceWhoseManagementSubnetTheHostRoutes_isRefusedBeforeAnythingIsMade() {
        // the dummy "physical" interface gets a subnet: a route the host now has
        runner.check(List.of("ip", "addr", "add", "198.51.100.1/24", "dev", physical), null);
        runner.check(List.of("ip", "link", "set", physical, "up"), null);
        VmTO router = router("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", new NicTO("b1000000000000000000000000000000", 0, "fa:16:3e:00:01:01",
                l2(L2, "eth0", null), "198.51.100.20", "255.255.255.0", "198.51.100.1", false));

        assertThatThrownBy(() -> hypervisor.start(router)).isInstanceOf(HostAgentException.class)
                .hasMessage("cannot start router vr (bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb): its management subnet 198.51.100.0/24 overlaps"
                        + " the host's route 198.51.100.0/24 (dev " + physical + "); giving the host an address there would break the"
                        + " host's own connectivity. Use a management L3 network on a subnet this host does not route");
        assertThat(Path.of("/run/netns", hypervisor.names().namespace(router.uuid()))).doesNotExist();
        assertThat(fabricLinks()).doesNotContain(hypervisor.names().bridge(L2));
    }

    @Test
    void bridgesLiveInTheFabricNamespace_withoutBridgeNetfilter_andTheHostNamespaceHasNoneOfThem() {
        String hostSetting = hostBridgeNetfilter();
        VmTO vm = userVm("dddddddddddddddddddddddddddddddd",
                nic("d1000000000000000000000000000000", L2, "eth0", null, "fa:16:3e:00:00:04", 0));
        hypervisor.start(vm);

        String bridge = hypervisor.names().bridge(L2);
        assertThat(runner.check(List.of("ip", "-n", fabric(), "-d", "link", "show", bridge), null).stdout()).contains("bridge");
        assertThat(masterInFabric(hypervisor.names().hostVeth("d1000000000000000000000000000000"))).isEqualTo(bridge);
        assertThat(HostTesting.hostLinks(hypervisor.names().prefix())).as("links of this installation in the host namespace").isEmpty();
        // frames the fabric bridges skip the netfilter hooks (when br_netfilter is there at all); the host's own
        // setting is what it was
        String inFabric = runner.check(List.of("ip", "netns", "exec", fabric(), "busybox", "sh", "-c",
                "cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo absent"), null).stdout().trim();
        assertThat(inFabric).isIn("0", "absent");
        assertThat(hostBridgeNetfilter()).isEqualTo(hostSetting);
        // a guest talks through the fabric: two VMs on one L2 reach each other
        VmTO peer = userVm("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                nic("e1000000000000000000000000000000", L2, "eth0", null, "fa:16:3e:00:00:05", 0));
        hypervisor.start(peer);
        String a = hypervisor.names().namespace(vm.uuid());
        String b = hypervisor.names().namespace(peer.uuid());
        hypervisor.stop(vm); // no DHCP server here: addresses by hand
        hypervisor.stop(peer);
        runner.check(List.of("ip", "-n", a, "addr", "add", "10.9.0.10/24", "dev", "eth0"), null);
        runner.check(List.of("ip", "-n", a, "link", "set", "eth0", "up"), null);
        runner.check(List.of("ip", "-n", b, "addr", "add", "10.9.0.11/24", "dev", "eth0"), null);
        runner.check(List.of("ip", "-n", b, "link", "set", "eth0", "up"), null);
        assertThat(runner.run(List.of("ip", "netns", "exec", a, "busybox", "ping", "-c", "1", "-W", "5", "10.9.0.11"), null).succeeded())
                .as("ping across the fabric bridge").isTrue();
    }

    @Test
    void theHostReachesAnL2ThroughItsManagementPort_andItsOwnRouteDoesNotRefuseTheNextStart() {
        VmTO router = router("ffffffffffffffffffffffffffffffff", new NicTO("f1000000000000000000000000000000", 0, "fa:16:3e:00:01:02",
                l2(L2, "eth0", null), "100.127.254.20", "255.255.255.0", "100.127.254.1", false));
        // this test has no agent jar: the start gets as far as the agent, the network is made before it
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> hypervisor.start(router)).isInstanceOf(HostAgentException.class).hasMessageContaining("no agent jar");
        }

        String port = hypervisor.names().managementPort(L2);
        assertThat(runner.check(List.of("ip", "-4", "addr", "show", "dev", port), null).stdout()).contains("100.127.254.1/24");
        assertThat(masterInFabric(port)).isEqualTo(hypervisor.names().bridge(L2));
        assertThat(runner.run(List.of("busybox", "ping", "-c", "1", "-W", "5", "100.127.254.20"), null).succeeded())
                .as("the host reaches the router's management nic").isTrue();

        hypervisor.destroy(router);
        assertThat(Path.of("/sys/class/net", port)).as("the management port goes with its bridge").doesNotExist();
        assertThat(fabricLinks()).doesNotContain(hypervisor.names().bridge(L2), port);
    }

    @Test
    void reconcile_removesTheOlderLayoutFromTheHostNamespace_replugsRunningVms_andRestoresTheFabricSettings() {
        VmTO vm = userVm("abababababababababababababababab",
                nic("ab100000000000000000000000000000", L2, "eth0", null, "fa:16:3e:00:00:06", 0));
        hypervisor.start(vm);
        // what an installation from before the fabric left in the host namespace: its bridge with a VM's veth
        String oldBridge = hypervisor.names().bridge(L2);
        String oldVeth = hypervisor.names().hostVeth("ab200000000000000000000000000000");
        runner.check(List.of("ip", "link", "add", oldBridge, "type", "bridge"), null);
        runner.check(List.of("ip", "link", "add", oldVeth, "type", "veth", "peer", "name", hypervisor.names().extra("old")), null);
        runner.check(List.of("ip", "link", "set", oldVeth, "master", oldBridge), null);
        boolean brNetfilter = fabricHasBridgeNetfilter();
        if (brNetfilter) { // as loading br_netfilter after the fabric was made would leave it
            runner.check(List.of("ip", "netns", "exec", fabric(), "busybox", "sh", "-c",
                    "echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables"), null);
        }

        hypervisor.reconcile(List.of(vm));

        assertThat(HostTesting.hostLinks(hypervisor.names().prefix())).isEmpty();
        assertThat(masterInFabric(hypervisor.names().hostVeth("ab100000000000000000000000000000"))).isEqualTo(hypervisor.names().bridge(L2));
        if (brNetfilter) {
            assertThat(runner.check(List.of("ip", "netns", "exec", fabric(), "cat", "/proc/sys/net/bridge/bridge-nf-call-iptables"), null)
                    .stdout().trim()).isEqualTo("0");
        }
    }

    private String fabric() {
        return hypervisor.names().fabric();
    }

    /** The links of the fabric namespace (none when it does not exist). */
    private List<String> fabricLinks() {
        if (!Path.of("/run/netns", fabric()).toFile().exists()) {
            return List.of();
        }
        return runner.check(List.of("ip", "-n", fabric(), "-o", "link", "show"), null).stdout().lines()
                .map(l -> l.split(":\\s+")[1].split("@")[0]).toList();
    }

    /** The bridge a link of the fabric is a port of, or null. */
    private String masterInFabric(String link) {
        String line = runner.check(List.of("ip", "-n", fabric(), "-o", "link", "show", "dev", link), null).stdout();
        int at = line.indexOf(" master ");
        return at < 0 ? null : line.substring(at + 8).split("\\s+")[0];
    }

    private boolean fabricHasBridgeNetfilter() {
        return runner.run(List.of("ip", "netns", "exec", fabric(), "test", "-e", "/proc/sys/net/bridge/bridge-nf-call-iptables"), null)
                .succeeded();
    }

    private static String hostBridgeNetfilter() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables")).trim();
        } catch (java.io.IOException e) {
            return "absent";
        }
    }
}
