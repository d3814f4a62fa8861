package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A VLAN L2 across hosts, through the API only (root, and a kernel that makes VLAN devices, 8021q; skipped with the
 * reason printed otherwise): a {@link MultiHostWorld} whose guest L2 is VLAN {@value MultiHostWorld#GUEST_VLAN} over the
 * hosts' {@code eth1} and whose management L2 is VLAN {@value MultiHostWorld#MANAGEMENT_VLAN} over {@code eth0}. The
 * router on host 1, guests on hosts 2 and 3: each host's bridge of the guest L2 has the VLAN sub-interface as its
 * uplink, the guests lease from the router, resolve through it, leave through its SNAT and reach each other, every
 * frame between hosts tagged on the shared data underlay. Everything carries the lab's prefix and is removed.
 */
@Timeout(600)
class MultiHostVlanEndToEndTest {
    private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(60));
    @RegisterExtension
    static final MultiHostFixture fixture = new MultiHostFixture("MultiHostVlanEndToEndTest", "vrouter-vlanhosts-");
    private static MultiHostLab lab;
    private static TestNode node;
    private static MultiHostWorld world;

    @BeforeAll
    static void setUp() throws Exception {
        lab = fixture.open();
        fixture.skipUnless(lab.vlanSupported(),
                "this kernel makes no VLAN devices (no 8021q module): a VLAN L2 cannot cross hosts here");
        node = fixture.startNode();
        world = fixture.world(3, "vlanhosts");
        assertThat(world.vlans).as("the world's guest and management L2s are VLANs").isTrue();
    }

    @Test
    void guestsOnHosts2And3_routerOnHost1_overVlan_dhcpDnsSnat() {
        JsonNode guest2 = world.guestOn("vlan-guest2", world.host(2));
        JsonNode guest3 = world.guestOn("vlan-guest3", world.host(3));
        JsonNode router = world.routersOn(world.guestL3).get(0);
        assertThat(router.get("hostUuid").asText()).as("the router on host 1").isEqualTo(world.host(1));
        String routerGuestIp = SeedWorld.ipOn(router, world.guestL3);
        for (JsonNode guest : List.of(guest2, guest3)) {
            GuestProbe probe = world.probe(guest);
            String ip = SeedWorld.ipOn(guest, world.guestL3);
            assertThat(GuestProbe.await(Duration.ofSeconds(60), () -> ip.equals(probe.address()) ? ip : null))
                    .as("the lease of " + guest.get("name").asText() + " over VLAN " + MultiHostWorld.GUEST_VLAN).isEqualTo(ip);
            assertThat(probe.defaultGateway()).isEqualTo(routerGuestIp);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.resolve(SeedWorld.OUTSIDE_NAME)))
                    .as("DNS through the router").isEqualTo(SeedWorld.OUTSIDE_IP);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                    .as("SNAT to the router's public address").isEqualTo(SeedWorld.ipOn(router, world.publicL3));
        }
        String ping = RUNNER.run(List.of("ip", "netns", "exec", world.namespaceOf(guest2), "busybox", "ping", "-c", "3", "-W", "2",
                SeedWorld.ipOn(guest3, world.guestL3)), null).stdout();
        assertThat(ping).as("host 2 -> host 3 over the VLAN").contains(" 0% packet loss");
        for (int i = 1; i <= 3; i++) {
            MultiHostLab.Host host = lab.hosts().get(i - 1);
            String vlans = RUNNER.check(List.of("ip", "-n", host.namePrefix() + "fabric", "-d", "-o", "link", "show", "type", "vlan"), null)
                    .stdout();
            assertThat(vlans).as("host " + i + "'s fabric: the guest L2's uplink is VLAN " + MultiHostWorld.GUEST_VLAN + " of eth1")
                    .contains("vlan protocol 802.1Q id " + MultiHostWorld.GUEST_VLAN + " ");
        }
    }
}
