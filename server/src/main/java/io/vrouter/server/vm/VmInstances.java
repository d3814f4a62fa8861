package io.vrouter.server.vm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.api.ErrorCode;
import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.Hosts;
import io.vrouter.server.hypervisor.Hypervisors;
import io.vrouter.server.cluster.Clusters;
import io.vrouter.server.image.Images;
import io.vrouter.server.l2.L2Networks;
import io.vrouter.server.offering.InstanceOfferings;
import io.vrouter.server.zone.Zones;
import io.vrouter.server.l3.L3Networks;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.l3.AllocatedIp;
import io.vrouter.server.l3.IpAllocator;
import io.vrouter.server.task.Flow;
import io.vrouter.server.task.FlowChain;
import io.vrouter.server.task.FlowContext;
import io.vrouter.server.task.FlowException;
import io.vrouter.server.task.FlowJournal;
import io.vrouter.server.task.FlowKey;
import io.vrouter.server.task.Task;
import io.vrouter.server.task.TaskQueues;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The VM lifecycle. Each operation runs on the VM's serial queue ({@code vm-<uuid>}), so operations on one VM never
 * overlap, and multi-step operations are {@link FlowChain}s, so a failure part-way rolls back what was done:
 * addresses released, records removed, the hypervisor told to stop what it started, extensions told to undo.
 *
 * <p>Create and start survive a crash of the node: their steps that leave something behind (the VM's rows, its
 * nics and addresses, what the hypervisor started) are recorded in the {@link FlowJournal} before they run, and
 * their undos are registered here under the kinds below, so the next node start undoes a creation the dead node
 * left half done. Nothing of the network services step is recorded: what a router holds for a VM is derived from
 * the database at every sync, and every running router is fully synced at node start, so a VM whose rows are
 * gone loses its DHCP entry and rules there.
 */
public final class VmInstances {
    private static final Logger LOG = LoggerFactory.getLogger(VmInstances.class);
    private static final FlowKey<HostRecord> HOST = FlowKey.of("host");
    private static final FlowKey<VmSpec> SPEC = FlowKey.of("spec");
    /** Records hypervisor specs for their undo; derived getters ({@code isAppliance}) are written and not read back. */
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Undo kinds this package registers with the flow journal. */
    static final String UNDO_DELETE_RECORDS = "vm.delete-records";
    static final String UNDO_RELEASE_NICS = "vm.release-nics";
    static final String UNDO_DESTROY_ON_HYPERVISOR = "vm.destroy-on-hypervisor";
    static final String UNDO_STOP_ON_HYPERVISOR = "vm.stop-on-hypervisor";
    /**
     * Destroys a VM as DestroyVmInstance does, if it still exists ({@code vm}: its uuid): for other packages' flows
     * that create a VM as one of their steps (a virtual router's creation).
     */
    public static final String UNDO_DESTROY = "vm.destroy";

    private final VmRepository repository;
    private final Placement placement;
    private final Hosts hosts;
    private final L3Networks l3Networks;
    private final IpAllocator ipAllocator;
    private final Hypervisors hypervisors;
    private final TaskQueues queues;
    private final List<VmLifecycleExtension> extensions = new CopyOnWriteArrayList<>();
    private final Function<String, Map<String, String>> bootParams;
    private final FlowJournal journal;
    private final VmHostFences fences;

    /**
     * @param bootParams what an appliance VM needs at (re)boot, by VM uuid; user VMs get an empty map
     * @param journal    where create and start record their steps; this package's undos are registered with it
     */
    public VmInstances(DSLContext dsl, Clock clock, Hosts hosts, L2Networks l2Networks, L3Networks l3Networks, IpAllocator ipAllocator,
                       Hypervisors hypervisors, TaskQueues queues, Function<String, Map<String, String>> bootParams,
                       FlowJournal journal) {
        this.repository = new VmRepository(dsl, clock, l3Uuid -> l3Networks.find(l3Uuid)
                .flatMap(l3 -> l2Networks.find(l3.l2NetworkUuid()))
                .orElseThrow(() -> new IllegalStateException("L3 network " + l3Uuid + " of a nic has no L2 network")));
        this.placement = new Placement(hosts);
        this.hosts = hosts;
        this.l3Networks = l3Networks;
        this.ipAllocator = ipAllocator;
        this.hypervisors = hypervisors;
        this.queues = queues;
        this.bootParams = bootParams;
        this.fences = new VmHostFences(dsl, clock);
        this.journal = journal;
        registerUndos();
    }

    /** What a node that did not run a step of this package's flows needs to undo it: the recorded arguments only. */
    private void registerUndos() {
        journal.registerUndo(UNDO_DELETE_RECORDS, args -> {
            repository.find(args.get("vm")).ifPresent(vm -> {
                repository.deleteVm(vm.uuid());
                releaseCapacity(vm);
            });
        });
        journal.registerUndo(UNDO_RELEASE_NICS, args -> {
            repository.deleteNics(args.get("vm"));
            // chosen before the allocation, so an address taken just before a crash is released too
            for (String usedIp : args.get("usedIps").split(",")) {
                if (!usedIp.isEmpty()) {
                    ipAllocator.release(usedIp);
                }
            }
        });
        journal.registerUndo(UNDO_DESTROY_ON_HYPERVISOR, args -> {
            VmSpec spec = readSpec(args.get("spec"));
            hypervisors.get(spec.hypervisorType()).destroy(spec);
        });
        journal.registerUndo(UNDO_STOP_ON_HYPERVISOR, args -> {
            VmSpec spec = readSpec(args.get("spec"));
            hypervisors.get(spec.hypervisorType()).stop(spec);
        });
        journal.registerUndo(UNDO_DESTROY, args -> {
            if (exists(args.get("vm"))) {
                destroy(args.get("vm"));
            }
        });
    }

    /** Gives back the CPUs and memory the VM held on its host. */
    private void releaseCapacity(VmRepository.VmRow vm) {
        if (vm.hostUuid() != null) {
            hosts.find(vm.hostUuid()).ifPresent(host -> placement.release(host, vm.cpuNum(), vm.memorySize()));
        }
    }

    /** The spec as recorded for a hypervisor undo: without boot parameters, which hold an appliance's agent secret. */
    private static String writeSpec(VmSpec spec) {
        VmSpec withoutSecrets = new VmSpec(spec.uuid(), spec.name(), spec.type(), spec.hostUuid(), spec.hypervisorType(),
                spec.cpuNum(), spec.memorySize(), spec.nics(), Map.of());
        try {
            return JSON.writeValueAsString(withoutSecrets);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot record the spec of VM " + spec.uuid() + ": " + e.getMessage(), e);
        }
    }

    private static VmSpec readSpec(String json) throws JsonProcessingException {
        return JSON.readValue(json, VmSpec.class);
    }

    /** The journal this package records its flows in, for other packages' flows that contain VM operations. */
    public FlowJournal journal() {
        return journal;
    }

    /**
     * Registers the VM package's children checks with its parents: a zone, cluster, host, L3 network, image or
     * offering is not deleted, and an L2 not detached from a cluster, while VMs stand on it.
     */
    public void registerDeletionGuards(Zones zones, Clusters clusters, Hosts hosts, L2Networks l2Networks, L3Networks l3Networks,
                                       Images images, InstanceOfferings offerings) {
        VmDeletionGuards.register(zones, clusters, hosts, l2Networks, l3Networks, images, offerings);
    }

    public void addExtension(VmLifecycleExtension extension) {
        extensions.add(extension);
    }

    /** The sync signature of a VM's operations; other packages use it to join a VM's queue. */
    public static String signature(String vmUuid) {
        return "vm-" + vmUuid;
    }

    // ---------------------------------------------------------------- create

    /** Creates (and, unless told otherwise, starts) a VM; returns its uuid. The caller has validated {@code c}. */
    public String create(VmCreation c) {
        String uuid = c.uuid() != null ? c.uuid() : Uuid.random();
        Set<String> l2s = new HashSet<>();
        for (String l3 : c.l3NetworkUuids()) {
            l2s.add(l3Networks.find(l3).orElseThrow(() -> ApiException.notFound("L3 network", l3)).l2NetworkUuid());
        }
        String rootVolumeUuid = Uuid.random();
        // chosen up front, so that the journal knows what to release before the addresses are taken
        List<String> usedIps = c.l3NetworkUuids().stream().map(l3 -> Uuid.random()).toList();
        FlowChain chain = FlowChain.named("create-vm " + c.name())
                // the host's CPUs and memory are reserved here and given back by the records' undo (it reads the VM
                // row), so a rollback releases them once; a crash between the two steps leaves the reservation behind
                .then("choose host", ctx -> ctx.put(HOST, placement.choose(c.zoneUuid(), c.clusterUuid(), c.hostUuid(), l2s,
                        c.cpuNum(), c.memorySize())))
                .then(journal.recorded("write vm record", ctx -> {
                            try {
                                repository.insertVmWithRootVolume(uuid, c, ctx.get(HOST), rootVolumeUuid,
                                        c.startImmediately() ? VmState.Starting : VmState.Created);
                            } catch (RuntimeException e) {
                                placement.release(ctx.get(HOST), c.cpuNum(), c.memorySize());
                                throw e;
                            }
                        },
                        UNDO_DELETE_RECORDS, ctx -> Map.of("vm", uuid)))
                .then(journal.recorded("allocate nics", ctx -> allocateNics(uuid, c, usedIps),
                        UNDO_RELEASE_NICS, ctx -> Map.of("vm", uuid, "usedIps", String.join(",", usedIps))));
        if (c.startImmediately()) {
            addStartSteps(chain, uuid, UNDO_DESTROY_ON_HYPERVISOR);
        }
        run(uuid, "create", () -> chain.run(new FlowContext()));
        return uuid;
    }

    /** On a failure part-way, releases what it took: its rollback runs only after it returned (the Flow contract). */
    private void allocateNics(String vmUuid, VmCreation c, List<String> usedIps) {
        String usedFor = VmSpec.APPLIANCE_VM.equals(c.type()) ? "ApplianceVm" : "VmNic";
        try {
            for (int device = 0; device < c.l3NetworkUuids().size(); device++) {
                String l3 = c.l3NetworkUuids().get(device);
                AllocatedIp ip = ipAllocator.allocate(l3, c.requiredIps().get(l3), usedFor, usedIps.get(device));
                repository.insertNic(vmUuid, ip, device);
            }
        } catch (RuntimeException e) {
            repository.deleteNics(vmUuid);
            usedIps.forEach(ipAllocator::release);
            throw e;
        }
    }

    // ---------------------------------------------------------------- start, stop, reboot, destroy

    /** @param undoStart how to undo the hypervisor's start: destroy for a VM being created, stop for an existing one */
    private void addStartSteps(FlowChain chain, String uuid, String undoStart) {
        chain.then("load spec", ctx -> ctx.put(SPEC, repository.spec(repository.get(uuid), bootParams.apply(uuid))))
                // the host plumbs the VM while its network services are made (the router's sync of its DHCP entry);
                // the VM starts (its DHCP client) only when both are done: its first DISCOVER finds its entry
                .thenTogether(Flow.of("network services", ctx -> extensions.forEach(e -> e.preStart(ctx.get(SPEC))),
                                ctx -> extensions.forEach(e -> quietly("rollbackStart", () -> e.rollbackStart(ctx.get(SPEC))))),
                        journal.recorded("prepare on hypervisor", ctx -> hypervisors.get(ctx.get(SPEC).hypervisorType()).prepare(ctx.get(SPEC)),
                                undoStart, ctx -> Map.of("spec", writeSpec(ctx.get(SPEC)))))
                .then(journal.recorded("start on hypervisor", ctx -> hypervisors.get(ctx.get(SPEC).hypervisorType()).start(ctx.get(SPEC)),
                        undoStart, ctx -> Map.of("spec", writeSpec(ctx.get(SPEC)))))
                .then("mark running", ctx -> {
                    repository.setState(uuid, VmState.Running);
                    extensions.forEach(e -> quietly("afterStart", () -> e.afterStart(ctx.get(SPEC))));
                });
    }

    public void start(String uuid) {
        run(uuid, "start", () -> {
            VmRepository.VmRow vm = repository.get(uuid);
            List<String> missing = repository.missingParts(uuid);
            if (!missing.isEmpty()) {
                // a creation that never finished (or rows removed by hand): starting it would give a VM without network
                throw new ApiException(ErrorCode.VM_INCOMPLETE, "VM is incomplete",
                        "VM " + vm.name() + " (" + uuid + ") has " + String.join(" and ", missing)
                                + "; StartVmInstance refuses a VM without its nics and root volume: destroy it and create it again");
            }
            if (!repository.transition(uuid, List.of(VmState.Stopped, VmState.Created), VmState.Starting)) {
                throw wrongState(vm, "StartVmInstance", "Stopped or Created");
            }
            FlowChain chain = FlowChain.named("start-vm " + vm.name());
            addStartSteps(chain, uuid, UNDO_STOP_ON_HYPERVISOR);
            try {
                chain.run(new FlowContext());
            } catch (FlowException e) {
                repository.setState(uuid, VmState.valueOf(vm.state()));
                throw e;
            }
        });
    }

    public void stop(String uuid) {
        run(uuid, "stop", () -> {
            VmRepository.VmRow vm = repository.get(uuid);
            if (!repository.transition(uuid, List.of(VmState.Running), VmState.Stopping)) {
                throw wrongState(vm, "StopVmInstance", "Running");
            }
            VmSpec spec = repository.spec(vm, bootParams.apply(uuid));
            try {
                hypervisors.get(spec.hypervisorType()).stop(spec);
            } catch (RuntimeException e) {
                repository.setState(uuid, VmState.Running);
                throw e;
            }
            repository.setState(uuid, VmState.Stopped);
            extensions.forEach(ext -> quietly("afterStop", () -> ext.afterStop(spec)));
        });
    }

    public void reboot(String uuid) {
        run(uuid, "reboot", () -> {
            VmRepository.VmRow vm = repository.get(uuid);
            if (!repository.transition(uuid, List.of(VmState.Running), VmState.Rebooting)) {
                throw wrongState(vm, "RebootVmInstance", "Running");
            }
            VmSpec spec = repository.spec(vm, bootParams.apply(uuid));
            try {
                hypervisors.get(spec.hypervisorType()).reboot(spec);
            } finally {
                repository.setState(uuid, VmState.Running);
            }
            extensions.forEach(ext -> quietly("afterReboot", () -> ext.afterReboot(spec)));
        });
    }

    public void destroy(String uuid) {
        run(uuid, "destroy", () -> {
            VmRepository.VmRow vm = repository.get(uuid);
            VmState previous = VmState.valueOf(vm.state());
            if (previous == VmState.Destroying || previous == VmState.Destroyed) {
                throw wrongState(vm, "DestroyVmInstance", "not already being destroyed");
            }
            repository.setState(uuid, VmState.Destroying);
            VmSpec spec = repository.spec(vm, bootParams.apply(uuid));
            try {
                extensions.forEach(ext -> ext.beforeDestroy(spec));
                hypervisors.get(spec.hypervisorType()).destroy(spec);
            } catch (RuntimeException e) {
                repository.setState(uuid, previous);
                throw e;
            }
            // one transaction: a crash leaves the VM whole (settled Stopped at node start, to destroy again) or gone
            repository.deleteVm(uuid);
            releaseCapacity(vm);
            extensions.forEach(ext -> quietly("afterDestroy", () -> ext.afterDestroy(spec)));
        });
    }

    /**
     * Gives the VM's nic on {@code l3Uuid} the address {@code ip} (a VRRP pair's last router becoming its L3's plain
     * router takes the gateway): the new address is allocated first, so a conflict changes nothing; then the nic's row
     * and the release of its old address, in one transaction. The database only, on the VM's queue (never beside a
     * start, which plugs nics with their addresses): what runs learns it from its owner (a router from its next sync).
     */
    public void changeNicIp(String vmUuid, String l3Uuid, String ip) {
        run(vmUuid, "change-nic-ip", () -> {
            VmRepository.VmRow vm = repository.get(vmUuid);
            String usedFor = VmSpec.APPLIANCE_VM.equals(vm.type()) ? "ApplianceVm" : "VmNic";
            AllocatedIp allocated = ipAllocator.allocate(l3Uuid, ip, usedFor);
            if (!repository.changeNicIp(vmUuid, allocated)) {
                ipAllocator.release(allocated.uuid());
                throw ApiException.operationFailed("VM " + vmUuid + " has no nic on L3 network " + l3Uuid);
            }
        });
    }

    // ---------------------------------------------------------------- a dead host's VMs

    /**
     * The VM's host was confirmed dead: starts the VM on another host of its zone with the same nics (addresses, MACs),
     * the lifecycle extensions running as for any start (a router connects and is fully synced). First, in the same
     * queue task, a fence is written: the dead host destroys its copy before it is Connected again. Returns the new
     * host, or empty when the VM is no longer Running (or Unknown) on that host (moved, stopped, destroyed meanwhile). The
     * VM's CPUs and memory are reserved on the new host and given back on the dead one. Throws when
     * no other host can take it; the VM then stays where it was, unfenced.
     */
    public java.util.Optional<String> recreateElsewhere(String vmUuid, String deadHostUuid) {
        return recreateElsewhere(vmUuid, deadHostUuid, Set.of());
    }

    /** The same, on a host not in {@code preferNotHosts} (a VRRP partner's) whenever another can take it. */
    public java.util.Optional<String> recreateElsewhere(String vmUuid, String deadHostUuid, Set<String> preferNotHosts) {
        java.util.concurrent.atomic.AtomicReference<String> moved = new java.util.concurrent.atomic.AtomicReference<>();
        run(vmUuid, "recreate", () -> {
            VmRepository.VmRow vm = repository.find(vmUuid).orElse(null);
            // Unknown: its host's agent stopped answering before the host was confirmed dead
            if (vm == null || !deadHostUuid.equals(vm.hostUuid())
                    || !(VmState.Running.name().equals(vm.state()) || VmState.Unknown.name().equals(vm.state()))) {
                return;
            }
            Set<String> l2s = new HashSet<>();
            repository.spec(vm, Map.of()).nics().forEach(n -> l2s.add(n.l2NetworkUuid()));
            HostRecord target = placement.chooseExcept(vm.zoneUuid(), l2s, deadHostUuid, preferNotHosts, vm.cpuNum(), vm.memorySize());
            // its CPUs and memory go with it: reserved on the new host above, given back on the dead one
            releaseCapacity(vm);
            fences.record(vmUuid, deadHostUuid, vm.type(), vm.hypervisorType());
            repository.moveTo(vmUuid, target, deadHostUuid);
            LOG.warn("VM {} ({}) of dead host {} is re-created on host {}", vm.name(), vmUuid, deadHostUuid, target.uuid());
            FlowChain chain = FlowChain.named("recreate-vm " + vm.name());
            addStartSteps(chain, vmUuid, UNDO_STOP_ON_HYPERVISOR);
            try {
                chain.run(new FlowContext());
            } catch (FlowException e) {
                repository.setState(vmUuid, VmState.Stopped); // on its new host; a start brings it up there
                throw e;
            }
            moved.set(target.uuid());
        });
        return java.util.Optional.ofNullable(moved.get());
    }

    /** Whether a host still has to destroy copies of VMs that moved away while it was dead. */
    public boolean hasFencedCopiesOn(String hostUuid) {
        return !fences.on(hostUuid).isEmpty();
    }

    /**
     * A host that was confirmed dead answers again, before it is Connected: destroys its copies of the VMs that were
     * re-created elsewhere (each fence removed once its copy is gone; a failure leaves the rest for the next try).
     */
    public void destroyFencedCopies(String hostUuid) {
        for (VmHostFences.Fence fence : fences.on(hostUuid)) {
            VmSpec copy = new VmSpec(fence.vmUuid(), "fenced copy of " + fence.vmUuid(), fence.vmType(), hostUuid,
                    fence.hypervisorType(), 1, 0, List.of(), Map.of());
            hypervisors.get(fence.hypervisorType()).destroy(copy);
            fences.remove(fence);
            LOG.info("host {} destroyed its stale copy of VM {}, which runs elsewhere", hostUuid, fence.vmUuid());
        }
    }

    /** The VMs on a host in a state, by uuid (e.g. the running routers of a dead host). */
    public List<String> onHost(String hostUuid, VmState state, String vmType) {
        return repository.onHost(hostUuid, state, vmType);
    }

    /** The VM as hypervisors and extensions see it. */
    public VmSpec spec(String uuid) {
        return repository.spec(repository.get(uuid), bootParams.apply(uuid));
    }

    /**
     * At node start: an operation the previous node was running when it died left its VM in a transitional state
     * that nothing would ever end (and every later operation would refuse). Settle them: a start or stop that never
     * finished counts as stopped (the next start brings the VM up for real), a reboot as running, an interrupted
     * destroy as stopped so it can be destroyed again. Then every hypervisor backend is told what runs.
     */
    public void recoverAfterRestart() {
        int settled = repository.settle(List.of(VmState.Starting, VmState.Stopping, VmState.Destroying), VmState.Stopped)
                + repository.settle(List.of(VmState.Rebooting), VmState.Running)
                + repository.settleAppliances(VmState.Created, VmState.Stopped);
        if (settled > 0) {
            LOG.warn("{} VM(s) were left mid-operation by the previous run of the management node; settled them", settled);
        }
        reconcileHypervisors();
    }

    /** Tells every hypervisor backend which of its VMs the database says are running (at node start). */
    public void reconcileHypervisors() {
        for (var hypervisor : hypervisors.all()) {
            // only appliances have boot parameters: user VMs skip that lookup
            hypervisor.reconcile(repository.specsInState(VmState.Running, hypervisor.type(),
                    vm -> VmSpec.APPLIANCE_VM.equals(vm.type()) ? bootParams.apply(vm.uuid()) : Map.of()));
        }
    }

    // ---------------------------------------------------------------- a host that stops and starts answering

    /** The host's agent stopped answering: its running VMs become Unknown (they may well run; nobody can tell). */
    public int markUnknownOn(String hostUuid) {
        return repository.settleOnHost(hostUuid, VmState.Running, VmState.Unknown);
    }

    /**
     * The host answers again: its Unknown VMs are Running again (the host agent kept them, or the reconcile that
     * follows brings them back); returns what the database says runs there, for that reconcile.
     */
    public List<VmSpec> markKnownOn(String hostUuid) {
        repository.settleOnHost(hostUuid, VmState.Unknown, VmState.Running);
        return runningOn(hostUuid);
    }

    /** What the database says runs on a host. */
    public List<VmSpec> runningOn(String hostUuid) {
        return repository.specsOnHost(hostUuid, VmState.Running,
                vm -> VmSpec.APPLIANCE_VM.equals(vm.type()) ? bootParams.apply(vm.uuid()) : Map.of());
    }

    public boolean exists(String uuid) {
        return repository.find(uuid).isPresent();
    }

    public String state(String uuid) {
        return repository.get(uuid).state();
    }

    // ---------------------------------------------------------------- plumbing

    private static ApiException wrongState(VmRepository.VmRow vm, String api, String needed) {
        return ApiException.conflict("VM " + vm.name() + " (" + vm.uuid() + ") is " + vm.state() + "; " + api + " needs it " + needed);
    }

    /** Runs an operation on the VM's serial queue and waits for it; failures surface as API errors. */
    private void run(String vmUuid, String operation, Runnable body) {
        try {
            queues.submit(Task.ofRunnable(signature(vmUuid), operation + "-vm", body::run)).join();
        } catch (CompletionException e) {
            throw asApiException(e.getCause() == null ? e : e.getCause(), operation, vmUuid);
        }
    }

    static RuntimeException asApiException(Throwable failure, String operation, String vmUuid) {
        Throwable cause = failure instanceof FlowException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ApiException api) {
            return api;
        }
        return new ApiException(ErrorCode.OPERATION_FAILED, "operation failed",
                operation + " of VM " + vmUuid + " failed: " + failure.getMessage(), failure);
    }

    private static void quietly(String hook, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            // the VM already is in its new state; a hook's failure is reported, not allowed to undo it
            LOG.warn("VM lifecycle hook {} failed: {}", hook, e.toString(), e);
        }
    }
}
