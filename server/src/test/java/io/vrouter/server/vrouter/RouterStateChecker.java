package io.vrouter.server.vrouter;

import io.vrouter.agent.state.DesiredState;
import io.vrouter.server.testing.TestNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one consistency check of the virtual router tests: what a router's agent applied to its dataplane equals
 * what the database implies, in every part (nics, DNS in order, DHCP, SNAT, VIPs, EIPs, port forwarding).
 */
public final class RouterStateChecker {
    private RouterStateChecker() {
    }

    public static DesiredRouterState.State assertInSync(TestNode node, String vrUuid) {
        DesiredRouterState.State want = node.node().virtualRouters().desiredStateOf(vrUuid);
        DesiredState have = node.agents().dataplane(vrUuid)
                .orElseThrow(() -> new AssertionError("router " + vrUuid + " has no agent dataplane")).appliedState();
        assertThat(have.nics().values()).as("nics of " + vrUuid).containsExactlyInAnyOrderElementsOf(want.nics());
        assertThat(node.agents().ha(vrUuid).orElseThrow().config()).as("HA configuration of " + vrUuid).isEqualTo(want.ha());
        assertThat(have.dns()).as("DNS upstreams of " + vrUuid + ", in order").containsExactlyElementsOf(want.dns());
        assertThat(have.dhcp().values()).as("DHCP entries of " + vrUuid).containsExactlyInAnyOrderElementsOf(want.dhcp());
        assertThat(have.snats().values()).as("SNAT of " + vrUuid).containsExactlyInAnyOrderElementsOf(want.snats());
        assertThat(have.vips().values()).as("VIPs of " + vrUuid).containsExactlyInAnyOrderElementsOf(want.vips());
        assertThat(have.eips().values()).as("EIPs of " + vrUuid).containsExactlyInAnyOrderElementsOf(want.eips());
        assertThat(have.portForwardings().values()).as("port forwarding of " + vrUuid)
                .containsExactlyInAnyOrderElementsOf(want.portForwardings());
        return want;
    }
}
