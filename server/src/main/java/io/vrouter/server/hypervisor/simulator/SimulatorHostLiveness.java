package io.vrouter.server.hypervisor.simulator;

import io.vrouter.server.hostfailure.HostLiveness;
import io.vrouter.server.host.HostRecord;

import java.util.List;
import java.util.Optional;

/** The simulated hosts' agents and data planes, as {@link SimulatorHypervisor}'s host conditions make them. */
public final class SimulatorHostLiveness implements HostLiveness {
    private final SimulatorHypervisor simulator;

    public SimulatorHostLiveness(SimulatorHypervisor simulator) {
        this.simulator = simulator;
    }

    @Override
    public String hypervisorType() {
        return SimulatorHypervisor.TYPE;
    }

    @Override
    public Optional<String> agentAnswers(HostRecord host, List<HostRecord> peers) {
        // a simulated agent is the node's own code: it never restarts alone, so its identity is the host's
        return simulator.condition(host.uuid()) == SimulatorHypervisor.HostCondition.UP ? Optional.of(host.uuid()) : Optional.empty();
    }

    @Override
    public Optional<Boolean> dataPlaneAnswers(HostRecord host, HostRecord witness) {
        if (witness != null && simulator.condition(witness.uuid()) != SimulatorHypervisor.HostCondition.UP) {
            return Optional.empty(); // the witness's own agent cannot run the probe
        }
        return Optional.of(simulator.forwards(host.uuid()));
    }

    @Override
    public void reconcile(HostRecord host) {
        // never asked: a simulated agent keeps one identity (above), so it is never seen restarting
    }
}
