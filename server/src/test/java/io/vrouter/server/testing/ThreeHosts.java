package io.vrouter.server.testing;

import io.vrouter.server.hostfailure.HostFailureSettings;
import io.vrouter.server.hypervisor.simulator.SimulatorHypervisor;

/**
 * A node on H2 whose host failure detector probes every second and confirms a dead host after 2 s of silence, the
 * seed on it, and three Simulator hosts in the seed's cluster: {@code a} (the zone's own), {@code b} and {@code c}.
 * For tests that kill a host under routers and watch where they go.
 */
public record ThreeHosts(TestNode node, RouterFixture seed, SimulatorHypervisor simulator, String a, String b, String c) {
    /** @param octet the seed's, as {@link RouterFixture#RouterFixture} takes it */
    public static ThreeHosts start(int octet) {
        TestNode node = TestNode.start(TestDatabase.H2);
        var configs = node.node().globalConfigs();
        configs.update(HostFailureSettings.CATEGORY, HostFailureSettings.CONFIRM_TIME, "2");
        configs.update(HostFailureSettings.CATEGORY, HostFailureSettings.PROBE_INTERVAL, "1");
        RouterFixture seed = new RouterFixture(node.admin(), octet);
        String cluster = seed.zone.clusterUuid();
        return new ThreeHosts(node, seed, node.node().simulator(), seed.zone.hostUuid(), seed.infra.host(cluster),
                seed.infra.host(cluster));
    }
}
