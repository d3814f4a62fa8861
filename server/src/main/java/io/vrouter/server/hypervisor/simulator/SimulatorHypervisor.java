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

    /** What the simulator does to a simulated host, for tests of host failure. */
    public enum HostCondition {
        /** Everything answers. */
        UP,
        /** The host agent died; the host's VMs and routers (and their agents) keep running and forwarding. */
        AGENT_DOWN,
        /**
         * The host is cut off the network: nothing of it answers. Its VMs keep running but its host agent fences them
         * (they stop forwarding) until the management node reconciles the host: the self-fence the host-failure rule
         * relies on (docs/operations.md).
         */
        ISOLATED,
        /** Powered off: every process gone, nothing left on it. */
        OFF
    }

    static final String RUNNING = "Running";
    static final String SELF_FENCED = "SelfFenced";

    /** The current copy of each VM (on the host its spec names). */
    private final Map<String, SimulatedVm> vms = new ConcurrentHashMap<>();
    /** Copies a host still holds of VMs started elsewhere since (host -> VM uuid -> copy). */
    private final Map<String, Map<String, SimulatedVm>> strays = new ConcurrentHashMap<>();
    private final Map<String, HostCondition> hosts = new ConcurrentHashMap<>();
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

    /** The VM's current copy. */
    public Optional<SimulatedVm> vm(String uuid) {
        return Optional.ofNullable(vms.get(uuid));
    }

    @Override
    public synchronized void start(VmSpec vm) {
        check("start", vm);
        HostCondition target = condition(vm.hostUuid());
        if (target == HostCondition.OFF || target == HostCondition.ISOLATED) {
            throw new HypervisorException("cannot start VM " + vm.name() + " (" + vm.uuid() + ") on host " + vm.hostUuid()
                    + ": the host is " + target);
        }
        SimulatedVm old = vms.get(vm.uuid());
        if (old != null && old.spec().hostUuid() != null && !old.spec().hostUuid().equals(vm.hostUuid())
                && condition(old.spec().hostUuid()) != HostCondition.OFF) {
            // started elsewhere while its old host still holds it: that copy stays there until destroyed
            strays.computeIfAbsent(old.spec().hostUuid(), h -> new ConcurrentHashMap<>()).put(vm.uuid(), old);
        }
        vms.put(vm.uuid(), new SimulatedVm(vm, RUNNING));
        if (vm.isAppliance() && applianceRuntime != null) {
            applianceRuntime.started(vm);
        }
    }

    @Override
    public synchronized void stop(VmSpec vm) {
        check("stop", vm);
        vms.computeIfPresent(vm.uuid(), (k, v) -> new SimulatedVm(v.spec(), "Stopped"));
        if (vm.isAppliance() && applianceRuntime != null) {
            applianceRuntime.stopped(vm);
        }
    }

    @Override
    public synchronized void reboot(VmSpec vm) {
        check("reboot", vm);
        if (vm.isAppliance() && applianceRuntime != null) {
            applianceRuntime.stopped(vm);
            applianceRuntime.started(vm);
        }
        vms.put(vm.uuid(), new SimulatedVm(vm, RUNNING));
    }

    /** Destroys the copy on the spec's host: the current one, or one a host kept after the VM moved. */
    @Override
    public synchronized void destroy(VmSpec vm) {
        check("destroy", vm);
        Map<String, SimulatedVm> kept = vm.hostUuid() == null ? null : strays.get(vm.hostUuid());
        if (kept != null) {
            kept.remove(vm.uuid());
        }
        SimulatedVm current = vms.get(vm.uuid());
        boolean thatCopy = current != null && (vm.hostUuid() == null || vm.hostUuid().equals(current.spec().hostUuid()));
        if (thatCopy || current == null) {
            vms.remove(vm.uuid());
            if (vm.isAppliance() && applianceRuntime != null) {
                applianceRuntime.stopped(vm);
            }
        }
    }

    /**
     * The simulated hosts kept running while the management node was down: adopt what the database says runs; a copy
     * its host fenced while cut off runs again (the reconcile of a host that returns).
     */
    @Override
    public synchronized void reconcile(java.util.List<VmSpec> running) {
        for (VmSpec vm : running) {
            HostCondition host = condition(vm.hostUuid());
            if (host == HostCondition.OFF || host == HostCondition.ISOLATED) {
                continue; // nothing reaches that host
            }
            SimulatedVm current = vms.get(vm.uuid());
            boolean adopt = current == null;
            boolean unfence = current != null && SELF_FENCED.equals(current.state()) && vm.hostUuid() != null
                    && vm.hostUuid().equals(current.spec().hostUuid());
            if (adopt || unfence) {
                vms.put(vm.uuid(), new SimulatedVm(vm, RUNNING));
                if (vm.isAppliance() && applianceRuntime != null) {
                    applianceRuntime.started(vm);
                }
            }
        }
    }

    // ---------------------------------------------------------------- simulated hosts, for host-failure tests

    public HostCondition condition(String hostUuid) {
        return hostUuid == null ? HostCondition.UP : hosts.getOrDefault(hostUuid, HostCondition.UP);
    }

    /** Only the host agent dies: its VMs and routers keep running and forwarding. */
    public void killHostAgent(String hostUuid) {
        hosts.put(hostUuid, HostCondition.AGENT_DOWN);
    }

    /** Powers the host off: every copy on it is gone, its routers' agents with them. */
    public synchronized void powerOff(String hostUuid) {
        hosts.put(hostUuid, HostCondition.OFF);
        strays.remove(hostUuid);
        for (SimulatedVm copy : java.util.List.copyOf(vms.values())) {
            if (hostUuid.equals(copy.spec().hostUuid())) {
                vms.remove(copy.spec().uuid());
                if (copy.spec().isAppliance() && applianceRuntime != null) {
                    applianceRuntime.stopped(copy.spec());
                }
            }
        }
    }

    /** Cuts the host off the network: its copies keep existing, fenced by its host agent, their agents unreachable. */
    public synchronized void isolate(String hostUuid) {
        hosts.put(hostUuid, HostCondition.ISOLATED);
        Map<String, SimulatedVm> kept = strays.get(hostUuid);
        if (kept != null) {
            kept.replaceAll((uuid, copy) -> new SimulatedVm(copy.spec(), SELF_FENCED));
        }
        for (SimulatedVm copy : java.util.List.copyOf(vms.values())) {
            if (hostUuid.equals(copy.spec().hostUuid()) && RUNNING.equals(copy.state())) {
                vms.put(copy.spec().uuid(), new SimulatedVm(copy.spec(), SELF_FENCED));
                if (copy.spec().isAppliance() && applianceRuntime != null) {
                    applianceRuntime.stopped(copy.spec());
                }
            }
        }
    }

    /** The host answers again (powered on empty, agent restarted, network back); what it holds stays as it is. */
    public void recover(String hostUuid) {
        hosts.put(hostUuid, HostCondition.UP);
    }

    /** Whether the host's data plane forwards (what a peer's probe of it sees). */
    public boolean forwards(String hostUuid) {
        HostCondition c = condition(hostUuid);
        return c == HostCondition.UP || c == HostCondition.AGENT_DOWN;
    }

    /** The hosts holding a forwarding copy of the VM: more than one means two live copies of one router. */
    public synchronized java.util.List<String> forwardingCopies(String vmUuid) {
        java.util.List<String> on = new java.util.ArrayList<>();
        SimulatedVm current = vms.get(vmUuid);
        if (current != null && RUNNING.equals(current.state()) && forwards(current.spec().hostUuid())) {
            on.add(current.spec().hostUuid());
        }
        strays.forEach((host, copies) -> {
            SimulatedVm copy = copies.get(vmUuid);
            if (copy != null && RUNNING.equals(copy.state()) && forwards(host)) {
                on.add(host);
            }
        });
        return on;
    }

    /** The VMs a host holds a copy of (current or left behind), by uuid. */
    public synchronized java.util.Set<String> copiesOn(String hostUuid) {
        java.util.Set<String> on = new java.util.HashSet<>(strays.getOrDefault(hostUuid, Map.of()).keySet());
        vms.values().stream().filter(v -> hostUuid.equals(v.spec().hostUuid())).forEach(v -> on.add(v.spec().uuid()));
        return on;
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
