package io.vrouter.server.hypervisor.simulator;

import io.vrouter.server.hypervisor.Hypervisor;
import io.vrouter.server.hypervisor.HypervisorException;
import io.vrouter.server.hypervisor.VmSpec;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory hypervisor. It remembers each VM's state and spec so tests can check what the management node
 * asked for, and lets a test make the next operation on a VM fail, to prove rollbacks. Appliance VMs get their
 * agent from an {@link ApplianceRuntime} the virtual router provider plugs in. A test can also hold an operation
 * until it says so ({@link #holdNext}), to catch the management node in the middle of a flow.
 */
public final class SimulatorHypervisor implements Hypervisor {
    public static final String TYPE = "Simulator";

    /** What the simulator knows of a VM. */
    public record SimulatedVm(VmSpec spec, String state) {
    }

    /** Runs what lives inside an appliance VM (its agent) while the VM runs. */
    public interface ApplianceRuntime {
        void started(VmSpec vm);

        void stopped(VmSpec vm);
    }

    private final Map<String, SimulatedVm> vms = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private volatile ApplianceRuntime applianceRuntime;

    @Override
    public String type() {
        return TYPE;
    }

    public void setApplianceRuntime(ApplianceRuntime runtime) {
        this.applianceRuntime = runtime;
    }

    /** The next {@code operation} ("start", "stop", "reboot", "destroy") on a VM with this name fails. */
    public void failNext(String operation, String vmName) {
        failures.put(operation + ":" + vmName, operation);
    }

    /**
     * The next {@code operation} on a VM with this name waits, before doing anything, until the hold is released;
     * interrupts do not end the wait (a node "killed" there must not roll back).
     */
    public Hold holdNext(String operation, String vmName) {
        Hold hold = new Hold();
        holds.put(operation + ":" + vmName, hold);
        return hold;
    }

    /** An operation held by {@link #holdNext}. */
    public static final class Hold {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        /** Whether the operation arrived at the hold within the timeout. */
        public boolean awaitReached(Duration timeout) throws InterruptedException {
            return reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public void release() {
            released.countDown();
        }

        private void arrive() {
            reached.countDown();
            boolean interrupted = false;
            while (true) {
                try {
                    released.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public Optional<SimulatedVm> vm(String uuid) {
        return Optional.ofNullable(vms.get(uuid));
    }

    @Override
    public void start(VmSpec vm) {
        check("start", vm);
        vms.put(vm.uuid(), new SimulatedVm(vm, "Running"));
        if (vm.isAppliance() && applianceRuntime != null) {
            applianceRuntime.started(vm);
        }
    }

    @Override
    public void stop(VmSpec vm) {
        check("stop", vm);
        vms.computeIfPresent(vm.uuid(), (k, v) -> new SimulatedVm(v.spec(), "Stopped"));
        if (vm.isAppliance() && applianceRuntime != null) {
            applianceRuntime.stopped(vm);
        }
    }

    @Override
    public void reboot(VmSpec vm) {
        check("reboot", vm);
        if (vm.isAppliance() && applianceRuntime != null) {
            applianceRuntime.stopped(vm);
            applianceRuntime.started(vm);
        }
        vms.put(vm.uuid(), new SimulatedVm(vm, "Running"));
    }

    @Override
    public void destroy(VmSpec vm) {
        check("destroy", vm);
        vms.remove(vm.uuid());
        if (vm.isAppliance() && applianceRuntime != null) {
            applianceRuntime.stopped(vm);
        }
    }

    /** The simulated hosts kept running while the management node was down: adopt what the database says runs. */
    @Override
    public void reconcile(java.util.List<VmSpec> running) {
        for (VmSpec vm : running) {
            if (vms.putIfAbsent(vm.uuid(), new SimulatedVm(vm, "Running")) == null && vm.isAppliance() && applianceRuntime != null) {
                applianceRuntime.started(vm);
            }
        }
    }

    private void check(String operation, VmSpec vm) {
        Hold hold = holds.remove(operation + ":" + vm.name());
        if (hold != null) {
            hold.arrive();
        }
        if (failures.remove(operation + ":" + vm.name()) != null) {
            throw new HypervisorException("simulated failure: " + operation + " of VM " + vm.name() + " (" + vm.uuid()
                    + ") on host " + vm.hostUuid());
        }
    }
}
