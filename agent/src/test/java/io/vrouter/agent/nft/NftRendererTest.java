package io.vrouter.agent.nft;

import static org.assertj.core.api.Assertions.assertThat;

import io.vrouter.agent.state.Changes;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.core.Samples;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.lab.Lab;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.NicInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class NftRendererTest {

    private static final Function<String, String> IFNAMES =
            Map.of(Samples.PUBLIC_MAC, "eth1", Samples.GUEST_MAC, "eth2")::get;
    private final NftRenderer renderer = new NftRenderer(new NftRenderer.Options(false, 7272, "eth0"));

    /** A state through the real command path is more work; these tests build it from deltas directly. */
    private static DesiredState state() {
        DesiredState state = new DesiredState();
        state.apply(StateDelta.builder().nics(TestChanges.added(Samples.nics())).build());
        state.apply(StateDelta.builder().snats(TestChanges.added(List.of(Samples.snat())))
                .eips(TestChanges.added(List.of(new EipTO("192.0.2.30", Samples.GUEST_MAC, Samples.PUBLIC_MAC,
                        "10.1.0.7", true))))
                .portForwardings(TestChanges.added(List.of(
                        Samples.pf("keep", "TCP", 8000, 8010, 8000, 8010, null),
                        Samples.pf("shift", "UDP", 5000, 5001, 6000, 6001, "198.51.100.0/24"))))
                .build());
        return state;
    }

    @Test
    void theAgentPortIsDroppedOffTheManagementNicAndFromAnySourceButTheNode() {
        NftRenderer guarded = new NftRenderer(new NftRenderer.Options(false, 7272, "eth0", List.of("10.0.0.1", "10.0.9.0/24")));
        assertThat(guarded.fullScript(state(), IFNAMES))
                .contains("    iifname != \"eth0\" tcp dport 7272 drop\n")
                .contains("    tcp dport 7272 ip saddr != { 10.0.0.1/32, 10.0.9.0/24 } drop\n");
    }

    @Test
    void listeningOnEveryAddressTheManagementNicIsTheOneTheStateNamesManagement() {
        NftRenderer anyAddress = new NftRenderer(new NftRenderer.Options(false, 7272, null, List.of()));
        DesiredState withManagement = state();
        NicInfo management = new NicInfo("10.0.0.5", "02:00:00:00:00:09", null, "255.255.255.0", false, "Management",
                "L2NoVlanNetwork", null, null);
        withManagement.apply(StateDelta.builder().nics(TestChanges.added(List.of(management))).build());
        Function<String, String> ifnames = Map.of(Samples.PUBLIC_MAC, "eth1", Samples.GUEST_MAC, "eth2",
                "02:00:00:00:00:09", "eth0")::get;

        assertThat(anyAddress.fullScript(withManagement, ifnames)).contains("    iifname != \"eth0\" tcp dport 7272 drop\n");
        // no management nic known yet: every nic the state names is closed
        assertThat(anyAddress.fullScript(state(), IFNAMES)).contains("    iifname { \"eth1\", \"eth2\" } tcp dport 7272 drop\n");
    }

    @Test
    void fullScriptReplacesTheTableInOneTransaction() {
        String script = renderer.fullScript(state(), IFNAMES);
        assertThat(script).startsWith("add table ip vrouter\ndelete table ip vrouter\ntable ip vrouter {\n");
        assertThat(script).doesNotContain("table inet").doesNotContain("flush ruleset");
    }

    @Test
    void servicesBecomeMapElements() {
        String script = renderer.fullScript(state(), IFNAMES);
        assertThat(script)
                .contains("\"eth1\" . 10.1.0.0/24 : 192.0.2.10")         // SNAT of the guest subnet
                .contains("192.0.2.30 : 10.1.0.7")                        // EIP DNAT
                .contains("\"eth1\" . 10.1.0.7 : 192.0.2.30")             // EIP SNAT
                .contains("10.1.0.7 : 10.1.0.1")                          // snatInboundTraffic to the gateway
                .contains("tcp . 192.0.2.20 . 8000 : 10.1.0.5 . 8000")    // one element per VIP port
                .contains("tcp . 192.0.2.20 . 8010 : 10.1.0.5 . 8010")
                .contains("udp . 192.0.2.20 . 5000 : 10.1.0.5 . 6000")    // shifted ports
                .contains("udp . 192.0.2.20 . 5001 : 10.1.0.5 . 6001")
                .contains("udp . 192.0.2.20 . 5001 . 198.51.100.0/24")  // allowedCidr: allowed sources per port
                .contains("th dport @pf_acl meta l4proto . ip daddr . th dport . ip saddr != @pf_allowed drop")
                .contains("\"eth2\" . 10.1.0.0/24")                       // hairpin set: the guest network
                .contains("iifname != \"eth0\" tcp dport 7272 drop");     // agent port on the management nic only
    }

    @Test
    void elementChangesTouchOnlyTheChangedElements() {
        DesiredState state = state();
        EipTO eip = state.eips().get("192.0.2.30");
        StateDelta remove = StateDelta.builder().eips(TestChanges.removed(List.of(eip))).build();
        assertThat(renderer.elementChanges(remove, state, IFNAMES).script()).isEqualTo(
                "delete element ip vrouter eip_dnat { 192.0.2.30 }\n"
                        + "delete element ip vrouter eip_snat { \"eth1\" . 10.1.0.7 }\n"
                        + "delete element ip vrouter eip_inbound { 10.1.0.7 }\n");
        StateDelta add = StateDelta.builder().portForwardings(TestChanges.added(List.of(
                Samples.pf("one", "TCP", 22, 22, 22, 22, null)))).build();
        assertThat(renderer.elementChanges(add, state, IFNAMES).script())
                .isEqualTo("add element ip vrouter pf_dnat { tcp . 192.0.2.20 . 22 : 10.1.0.5 . 22 }\n");
        var restricted = Samples.pf("acl", "TCP", 23, 23, 23, 23, "198.51.100.7/24");
        StateDelta replace = StateDelta.builder().portForwardings(Changes.of(List.of(restricted),
                List.of(restricted))).build();
        assertThat(renderer.elementChanges(replace, state, IFNAMES).script()).isEqualTo(
                "delete element ip vrouter pf_dnat { tcp . 192.0.2.20 . 23 }\n"
                        + "delete element ip vrouter pf_acl { tcp . 192.0.2.20 . 23 }\n"
                        + "delete element ip vrouter pf_allowed { tcp . 192.0.2.20 . 23 . 198.51.100.0/24 }\n"
                        + "add element ip vrouter pf_dnat { tcp . 192.0.2.20 . 23 : 10.1.0.5 . 23 }\n"
                        + "add element ip vrouter pf_acl { tcp . 192.0.2.20 . 23 }\n"
                        + "add element ip vrouter pf_allowed { tcp . 192.0.2.20 . 23 . 198.51.100.0/24 }\n");
    }

    @Test
    void sameStateRendersTheSameScript() {
        assertThat(renderer.fullScript(state(), IFNAMES)).isEqualTo(renderer.fullScript(state(), IFNAMES));
    }

    @Test
    void kernelAcceptsTheScript() {
        String reason = Lab.unavailableReason("nft");
        org.junit.jupiter.api.Assumptions.assumeTrue(reason == null, reason);
        // -c: the kernel checks the whole transaction and keeps nothing
        String script = renderer.fullScript(state(), IFNAMES);
        CommandResult result = new CommandRunner(Duration.ofSeconds(10)).run(List.of("nft", "-c", "-f", "-"), script);
        assertThat(result.stderr()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }
}
