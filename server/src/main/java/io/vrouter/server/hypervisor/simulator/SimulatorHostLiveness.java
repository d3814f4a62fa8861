package io.vrouter.server.hypervisor.simulator;

import io.vrouter.server.hostfailure.HostLiveness;
import io.vrouter.server.host.HostRecord;

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
    public boolean agentAnswers(HostRecord host) {
        return simulator.condition(host.uuid()) == SimulatorHypervisor.HostCondition.UP;
    }

    @Override
    public Optional<Boolean> dataPlaneAnswers(HostRecord host, HostRecord witness) {
        if (witness != null && simulator.condition(witness.uuid()) != SimulatorHypervisor.HostCondition.UP) {
            return Optional.empty(); // the witness's own agent cannot run the probe
        }
        return Optional.of(simulator.forwards(host.uuid()));
    }
}
