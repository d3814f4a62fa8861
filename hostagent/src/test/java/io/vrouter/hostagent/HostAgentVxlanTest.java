package io.vrouter.hostagent;

import io.vrouter.agent.protocol.hostagent.L2TO;
import io.vrouter.agent.protocol.hostagent.NicTO;
import io.vrouter.agent.protocol.hostagent.VmTO;
import io.vrouter.platform.process.CommandRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The host agent's side of VXLAN on its own, as root: a VM's nic on a VXLAN L2 brings the L2's vxlan device (VNI,
 * this host's VTEP, one FDB entry per peer) as the bridge's uplink; {@code populatefdb} changes the peers of the L2s
 * the host realizes and leaves the others alone; the host's VTEP address in a cidr, and a clear refusal when it has
 * none; a VTEP address the host lacks refused before anything is made. The VTEP here is loopback (the host's only
 * address a test may use); names of a fresh prefix, removed after each test.
 */
@Timeout(120)
class HostAgentVxlanTest {
    private static final String L2 = "e1e00000000000000000000000000000";
    private static final String OTHER_L2 = "e2e00000000000000000000000000000";
    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20));
    private HostAgent agent;

    @BeforeEach
    void setUp(@TempDir Path dir) {
        String reason = new HostCheck().problems();
        Assumptions.assumeTrue(reason == null, () -> "needs a Netns-capable host: " + reason);
        agent = new HostAgent(new HostAgentSettings(dir, null, Duration.ofSeconds(5), null, true, true));
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.cleanAll();
            agent.close();
            assertThat(HostTesting.leftovers(agent.names().prefix())).isEmpty();
        }
    }

    private static VmTO guestOn(String vmUuid, L2TO l2) {
        return new VmTO(vmUuid, "vx", false, List.of(new NicTO(vmUuid.replace('a', 'b'), 0, "fa:16:3e:00:0e:01", l2, null, null, null,
                true)), null);
    }

    @Test
    void aVxlanNic_bringsTheDeviceWithItsPeers_populateFdbChangesThem_onlyOnL2sTheHostRealizes() {
        VmTO vm = guestOn("aaaa0000000000000000000000000001", L2TO.vxlan(L2, 9712345, "127.0.0.1", List.of("192.0.2.10", "192.0.2.11")));
        agent.start(vm);
        String device = agent.names().vxlan(L2);
        String link = runner.check(List.of("ip", "-n", agent.fabricNamespace(), "-d", "link", "show", device), null).stdout();
        assertThat(link).contains("vxlan id 9712345").contains("local 127.0.0.1").contains("dstport 4789").contains("nolearning")
                .contains("master " + agent.bridgeOf(L2));
        assertThat(agent.vxlanPeers(L2)).containsExactlyInAnyOrder("192.0.2.10", "192.0.2.11");

        assertThat(agent.populateFdb(List.of(L2TO.vxlan(L2, 9712345, "127.0.0.1", List.of("192.0.2.11", "192.0.2.12")),
                L2TO.vxlan(OTHER_L2, 9712346, "127.0.0.1", List.of("192.0.2.10"))))).as("the L2s whose FDB changed").containsExactly(L2);
        assertThat(agent.vxlanPeers(L2)).as("a peer gone, a peer come").containsExactlyInAnyOrder("192.0.2.11", "192.0.2.12");
        assertThat(agent.vxlanPeers(OTHER_L2)).as("an L2 no VM of this host is on gets nothing").isEmpty();
        assertThat(runner.check(List.of("ip", "-n", agent.fabricNamespace(), "link", "show"), null).stdout())
                .doesNotContain(agent.bridgeOf(OTHER_L2));
        assertThat(agent.populateFdb(List.of(L2TO.vxlan(L2, 9712345, "127.0.0.1", List.of("192.0.2.11", "192.0.2.12"))))).as("idempotent")
                .isEmpty();

        agent.destroy(vm);
        assertThat(agent.vxlanPeers(L2)).as("the device goes with the L2's last port").isEmpty();
    }

    @Test
    void theVtepAddress_isTheHostsAddressInTheCidr_orAClearRefusal() {
        assertThat(agent.vtepAddress("127.0.0.0/8")).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> agent.vtepAddress("233.252.0.0/24")).isInstanceOf(HostAgentException.class)
                .hasMessageContaining("has no address in the VTEP cidr 233.252.0.0/24").hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> agent.vtepAddress("not-a-cidr")).hasMessageContaining("'not-a-cidr' is not an IPv4 cidr");
    }

    @Test
    void aVtepAddressTheHostLacks_orAVxlanL2WithoutItsVni_refusedWithNothingMade() {
        VmTO elsewhere = guestOn("aaaa0000000000000000000000000002", L2TO.vxlan(L2, 9712345, "192.0.2.99", List.of()));
        assertThatThrownBy(() -> agent.start(elsewhere)).hasMessageContaining("has no address 192.0.2.99 for the VTEP of L2 " + L2);
        VmTO noVni = guestOn("aaaa0000000000000000000000000003", new L2TO(L2, L2TO.VXLAN, null, null, null, "127.0.0.1", List.of()));
        assertThatThrownBy(() -> agent.start(noVni)).hasMessageContaining("needs a VNI");
        assertThat(runner.run(List.of("ip", "netns", "list"), null).stdout()).as("no VM namespace")
                .doesNotContain(agent.names().namespace(elsewhere.uuid())).doesNotContain(agent.names().namespace(noVni.uuid()));
        assertThat(agent.vxlanPeers(L2)).isEqualTo(Set.of());
    }
}
