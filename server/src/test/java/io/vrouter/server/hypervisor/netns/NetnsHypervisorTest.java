package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.process.CommandRunner;
import io.vrouter.server.hypervisor.HypervisorException;
import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;
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
 * The backend on its own, as root: what a VM and an L2 become on the host, idempotence, VLAN sub-interfaces, and
 * the refusal of a management subnet the host already routes. VMs here are specs built by hand (no DHCP server, no
 * agent), on names of a fresh prefix removed after each test.
 */
@Timeout(120)
class NetnsHypervisorTest {
    private static final String L2 = "11111111111111111111111111111111";
    private static final String VLAN_L2 = "22222222222222222222222222222222";
    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20));
    private NetnsHypervisor hypervisor;
    private String physical;

    @BeforeEach
    void setUp(@TempDir Path dir) {
        String reason = new NetnsHostConnector().problems();
        Assumptions.assumeTrue(reason == null, () -> "needs a Netns-capable host: " + reason);
        hypervisor = new NetnsHypervisor(new NetnsSettings(dir, null, Duration.ofSeconds(5), null));
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
            assertThat(NetnsTesting.leftovers(hypervisor.names().prefix())).isEmpty();
        }
    }

    private static VmSpec userVm(String uuid, NicSpec... nics) {
        return new VmSpec(uuid, "vm-" + uuid.substring(0, 4), VmSpec.USER_VM, "host", NetnsHypervisor.TYPE, 1, 1L << 26,
                List.of(nics), Map.of());
    }

    private static NicSpec nic(String uuid, String l2, String physical, Integer vlan, String mac, int device) {
        return new NicSpec(uuid, "l3", l2, physical, vlan, mac, "10.9.0." + (10 + device), "255.255.255.0", "10.9.0.1",
                device, device == 0);
    }

    @Test
    void userVm_isANamespaceWithVethsCarryingTheMacsOnTheL2Bridges_idempotent() {
        VmSpec vm = userVm("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                nic("a1000000000000000000000000000000", L2, "eth0", null, "fa:16:3e:00:00:01", 0),
                nic("a2000000000000000000000000000000", VLAN_L2, physical, 100, "fa:16:3e:00:00:02", 1));
        hypervisor.start(vm);
        hypervisor.start(vm); // starting a running VM changes nothing
        String ns = hypervisor.namespaceOf(vm.uuid());

        assertThat(Path.of("/sys/class/net", hypervisor.bridgeOf(L2), "brif", hypervisor.names().hostVeth("a1000000000000000000000000000000")))
                .exists();
        assertThat(runner.check(List.of("ip", "-n", ns, "link", "show", "eth0"), null).stdout()).contains("fa:16:3e:00:00:01").contains("UP");
        assertThat(runner.check(List.of("ip", "-n", ns, "link", "show", "eth1"), null).stdout()).contains("fa:16:3e:00:00:02");
        // a VLAN L2 on an existing interface: its sub-interface is a port of the bridge; a no-VLAN L2 leaves eth0 alone
        String vlan = hypervisor.names().vlan(VLAN_L2);
        if (vlanSupported()) {
            assertThat(runner.check(List.of("ip", "-d", "link", "show", vlan), null).stdout()).contains("vlan protocol 802.1Q id 100")
                    .contains("master " + hypervisor.bridgeOf(VLAN_L2));
        } else {
            System.out.println("this kernel cannot create VLAN interfaces: the VLAN L2 is a bridge alone");
            assertThat(Path.of("/sys/class/net", hypervisor.bridgeOf(VLAN_L2))).exists();
        }
        assertThat(Path.of("/sys/class/net", hypervisor.bridgeOf(L2), "brif", "eth0")).doesNotExist();
        assertThat(Path.of("/etc/netns", ns, "resolv.conf")).exists();

        hypervisor.stop(vm);
        hypervisor.stop(vm);
        assertThat(runner.check(List.of("ip", "-n", ns, "link", "show", "eth0"), null).stdout()).contains("state DOWN");
        assertThat(runner.run(List.of("ip", "netns", "pids", ns), null).stdout()).isBlank();

        hypervisor.destroy(vm);
        hypervisor.destroy(vm);
        assertThat(Path.of("/run/netns", ns)).doesNotExist();
        assertThat(Path.of("/etc/netns", ns)).doesNotExist();
        assertThat(Path.of("/sys/class/net", hypervisor.bridgeOf(L2))).as("a bridge without ports goes").doesNotExist();
        assertThat(Path.of("/sys/class/net", vlan)).doesNotExist();
    }

    @Test
    void startAfterTheNamespaceVanished_whileItsVethOutlivedIt_makesANewPair() {
        VmSpec vm = userVm("cccccccccccccccccccccccccccccccc",
                nic("c1000000000000000000000000000000", L2, "eth0", null, "fa:16:3e:00:00:03", 0));
        hypervisor.start(vm);
        String ns = hypervisor.namespaceOf(vm.uuid());
        String hostEnd = hypervisor.names().hostVeth("c1000000000000000000000000000000");
        // what a deleted namespace whose links the kernel has not reaped yet looks like: the host end is still
        // there, its VM end is not in the namespace of that name (here it is parked in another namespace)
        String parking = hypervisor.names().extra("park");
        runner.check(List.of("ip", "netns", "add", parking), null);
        hypervisor.stop(vm);
        runner.check(List.of("ip", "-n", ns, "link", "set", "eth0", "netns", parking), null);
        runner.check(List.of("ip", "netns", "del", ns), null);
        assertThat(Path.of("/sys/class/net", hostEnd)).exists();

        hypervisor.start(vm);

        assertThat(runner.check(List.of("ip", "-n", ns, "link", "show", "eth0"), null).stdout()).contains("fa:16:3e:00:00:03").contains("UP");
        assertThat(Path.of("/sys/class/net", hypervisor.bridgeOf(L2), "brif", hostEnd)).exists();
        assertThat(runner.run(List.of("ip", "-n", parking, "link", "show", "eth0"), null).succeeded()).as("the old pair is gone").isFalse();
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
        VmSpec router = new VmSpec("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "vr", VmSpec.APPLIANCE_VM, "host", NetnsHypervisor.TYPE, 1,
                1L << 27, List.of(new NicSpec("b1000000000000000000000000000000", "mgmt", L2, "eth0", null, "fa:16:3e:00:01:01",
                "198.51.100.20", "255.255.255.0", "198.51.100.1", 0, false)), Map.of("agentSecret", "0123456789abcdef0123"));

        assertThatThrownBy(() -> hypervisor.start(router)).isInstanceOf(HypervisorException.class)
                .hasMessage("cannot start router vr (bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb): its management subnet 198.51.100.0/24 overlaps"
                        + " the host's route 198.51.100.0/24 (dev " + physical + "); giving the host an address there would break the"
                        + " host's own connectivity. Use a management L3 network on a subnet this host does not route");
        assertThat(Path.of("/run/netns", hypervisor.namespaceOf(router.uuid()))).doesNotExist();
        assertThat(Path.of("/sys/class/net", hypervisor.bridgeOf(L2))).doesNotExist();
    }
}
