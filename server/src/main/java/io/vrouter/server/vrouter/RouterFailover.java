package io.vrouter.server.vrouter;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.hostfailure.HostFailureListener;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.vm.VmInstances;
import io.vrouter.server.vm.VmState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The routers of a host confirmed dead come back on other hosts: each is re-created with its nics (same addresses
 * and MACs: the nic rows do not change) on another connected host, all of them at once, and connected there, which
 * fully syncs it ({@link VirtualRouters#connect}: init, then everything through {@link RouterSync}). The dead host's
 * copy is fenced by the VM package: destroyed before that host is Connected again, so one L3 never has two live
 * routers once the node is in charge again (the host agent's own fence covers the time it was cut off).
 */
public final class RouterFailover implements HostFailureListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterFailover.class);

    private final RouterRepository repository;
    private final VirtualRouters routers;
    private final VmInstances vms;
    private final ExecutorService workers = Executors.newFixedThreadPool(16, DaemonThreads.named("vr-failover"));

    RouterFailover(RouterRepository repository, VirtualRouters routers, VmInstances vms) {
        this.repository = repository;
        this.routers = routers;
        this.vms = vms;
    }

    @Override
    public void hostDead(HostRecord host) {
        // Unknown too: a host whose agent stopped answering first had its VMs made Unknown by the host failure detector
        List<String> appliances = java.util.stream.Stream.of(VmState.Running, VmState.Unknown)
                .flatMap(state -> vms.onHost(host.uuid(), state, VmSpec.APPLIANCE_VM).stream()).toList();
        java.util.Set<String> routerUuids = repository.routersAmong(appliances); // one read, not one per VM
        List<String> onHost = appliances.stream().filter(routerUuids::contains).toList();
        if (onHost.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        LOG.warn("host {} ({}) is dead: re-creating its {} router(s) on other hosts", host.name(), host.uuid(), onHost.size());
        onHost.forEach(routers::markDisconnected);
        AtomicInteger moved = new AtomicInteger();
        CompletableFuture.allOf(onHost.stream().map(vr -> CompletableFuture.runAsync(() -> {
            try {
                vms.recreateElsewhere(vr, host.uuid(), partnerHosts(vr)).ifPresent(to -> moved.incrementAndGet());
            } catch (RuntimeException e) {
                LOG.error("router {} of dead host {} could not be re-created elsewhere: {}", vr, host.uuid(), e.getMessage());
            }
        }, workers)).toArray(CompletableFuture[]::new)).join();
        LOG.warn("{} of {} router(s) of dead host {} re-created elsewhere in {} ms", moved.get(), onHost.size(), host.uuid(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Where the router's VRRP partner runs (its replacement goes elsewhere when it can), or nothing for a plain router. */
    private java.util.Set<String> partnerHosts(String vr) {
        try {
            return repository.pairServedBy(vr).map(pair -> pair.partnerOf(vr)).filter(java.util.Objects::nonNull)
                    .map(partner -> vms.spec(partner).hostUuid()).filter(java.util.Objects::nonNull).map(java.util.Set::of)
                    .orElse(java.util.Set.of());
        } catch (RuntimeException partnerGone) {
            return java.util.Set.of();
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
