package io.vrouter.server.hypervisor.netns;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.hostagent.AgentTlsTO;
import io.vrouter.agent.protocol.hostagent.L2TO;
import io.vrouter.agent.protocol.hostagent.NicTO;
import io.vrouter.agent.protocol.hostagent.VmTO;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.HostStatus;
import io.vrouter.server.host.Hosts;
import io.vrouter.server.hypervisor.Hypervisor;
import io.vrouter.server.hypervisor.HypervisorException;
import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * VMs as network namespaces on Linux hosts (type {@code Netns}): the {@link Hypervisor} SPI as a client of the host
 * agent of each VM's host ({@link HostAgents}, {@link HostAgentClient}). It turns a {@link VmSpec} into the host
 * agent's {@link VmTO}; the agent does the rest on its host (bridges, namespaces, DHCP clients, router agents) and
 * serialises operations per VM. A failure on the host becomes a {@link HypervisorException} with the agent's reason.
 */
public final class NetnsHypervisor implements Hypervisor {
    public static final String TYPE = "Netns";
    private static final Logger LOG = LoggerFactory.getLogger(NetnsHypervisor.class);

    private final HostAgents agents;
    private final Hosts hosts;

    private final RouterAgentCredentials credentials;
    private final NetnsVxlan vxlan;

    NetnsHypervisor(HostAgents agents, Hosts hosts, RouterAgentCredentials credentials, NetnsVxlan vxlan) {
        this.agents = agents;
        this.hosts = hosts;
        this.credentials = credentials;
        this.vxlan = vxlan;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void start(VmSpec vm) {
        onHost(vm, "start", () -> {
            agents.of(vm.hostUuid()).startVm(withAgentIdentity(vm));
            return null;
        });
    }

    /**
     * The host agent plumbs the VM (namespace, nics on their L2s) without starting its DHCP clients or router agent;
     * no TLS identity is issued for that. A host agent from before {@code /vm/prepare} answers 404: its start then does
     * everything, as before.
     */
    @Override
    public void prepare(VmSpec vm) {
        try {
            onHost(vm, "prepare", () -> {
                agents.of(vm.hostUuid()).prepareVm(onItsHost(vm));
                return null;
            });
        } catch (HypervisorException e) {
            if (e.getCause() instanceof AgentException a && a.httpStatus() == 404) {
                LOG.debug("the host agent of {} has no {}: its start plumbs the VM", vm.hostUuid(), io.vrouter.agent.protocol.hostagent.HostAgentPaths.VM_PREPARE);
                return;
            }
            throw e;
        }
    }

    @Override
    public void stop(VmSpec vm) {
        onHost(vm, "stop", () -> {
            agents.of(vm.hostUuid()).stopVm(to(vm));
            return null;
        });
    }

    @Override
    public void reboot(VmSpec vm) {
        stop(vm);
        start(vm);
    }

    @Override
    public void destroy(VmSpec vm) {
        if (vm.isAppliance()) {
            // first, so that a host that does not answer cannot keep the router's identity alive
            credentials.revoke(vm);
        }
        onHost(vm, "destroy", () -> {
            agents.of(vm.hostUuid()).destroyVm(to(vm));
            return null;
        });
    }

    /**
     * At node start: each Netns host is told which of its VMs the database says run (it removes the rest and brings
     * those back). A host that does not answer is left to the host failure detector, which reconnects and reconciles it when it answers.
     */
    @Override
    public void reconcile(List<VmSpec> running) {
        Map<String, List<VmSpec>> byHost = running.stream().collect(Collectors.groupingBy(VmSpec::hostUuid));
        List<HostRecord> netnsHosts = hosts.ofType(TYPE);
        if (netnsHosts.isEmpty()) {
            return;
        }
        // hosts reconcile on their own machines: one at a time, a new node waited for the sum of them (20 hosts of
        // 10 VMs: 54 s at a load of 100, docs/benchmarks.md); at most RECONCILE_PARALLELISM at once
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(RECONCILE_PARALLELISM, netnsHosts.size()), DaemonThreads.named("netns-reconcile"));
        try {
            List<java.util.concurrent.Future<Boolean>> done = netnsHosts.stream()
                    .map(host -> pool.submit(() -> reconcileHost(host.uuid(), byHost.getOrDefault(host.uuid(), List.of()))))
                    .toList();
            for (java.util.concurrent.Future<Boolean> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.warn("reconciling a Netns host failed: {}", e.getCause().toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Hosts reconciled at once at node start (each a call to its agent that runs its VMs' checks). */
    static final int RECONCILE_PARALLELISM = 8;

    /**
     * Tells one host what runs on it; false (logged) when its agent cannot be reached. Its VTEPs are found first (its
     * address may have changed while it was away), so that its VXLAN nics get the addresses of now.
     */
    boolean reconcileHost(String hostUuid, List<VmSpec> running) {
        vxlan.refreshHost(hostUuid);
        try {
            agents.of(hostUuid).reconcile(running.stream().map(this::withAgentIdentity).toList());
            return true;
        } catch (AgentException e) {
            LOG.warn("cannot reconcile Netns host {}: {}", hostUuid, e.getMessage());
            hosts.setStatus(hostUuid, HostStatus.Disconnected);
            return false;
        }
    }

    /** Installs the shipped agent jar in a router and restarts its agent (Reconnect's upgrade step). */
    public void deployAgent(VmSpec router) {
        onHost(router, "deploy the agent of", () -> {
            agents.of(router.hostUuid()).deployRouterAgent(withAgentIdentity(router));
            return null;
        });
    }

    /** The address and port the agent of a router listens on. */
    public String agentUrl(VmSpec router) {
        return "https://" + managementNic(router).ip() + ":" + AgentPaths.DEFAULT_PORT;
    }

    private <T> T onHost(VmSpec vm, String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AgentException e) {
            String reason = e.agentError() != null ? e.agentError() : e.getMessage();
            throw new HypervisorException("cannot " + what + " VM " + vm.name() + " (" + vm.uuid() + ") on Netns host " + vm.hostUuid()
                    + ": " + reason, e);
        }
    }

    // ---------------------------------------------------------------- from a VmSpec to what the host agent takes

    /** The router's management nic: device 0 (the management L3 is always a router's first nic). */
    static NicSpec managementNic(VmSpec router) {
        return router.nics().stream().min(Comparator.comparingInt(NicSpec::deviceId))
                .orElseThrow(() -> new HypervisorException("appliance VM " + router.name() + " (" + router.uuid() + ") has no nic"));
    }

    /**
     * The certificate the router's agent presents, when in the last third of its life
     * ({@link io.vrouter.agent.tls.CertificateAuthority#renewalDue}), is replaced: a new one for the same router and
     * management address, recorded in the ledger, handed over {@code /rotatecertificate}; the agent switches without
     * a restart. An agent too old for the path refuses (404): it gets a new certificate at its next deploy.
     */
    void renewCertificateIfDue(VmSpec router, io.vrouter.agent.protocol.AgentClient agent) {
        java.util.Optional<java.security.cert.X509Certificate> current = agent.peerCertificate();
        if (current.isEmpty() || !io.vrouter.agent.tls.CertificateAuthority.renewalDue(current.get(), java.time.Instant.now())) {
            return;
        }
        agent.rotateCertificate(credentials.issue(router, managementNic(router)));
        org.slf4j.LoggerFactory.getLogger(NetnsHypervisor.class).info("router {}: certificate serial {} (until {}) rotated",
                router.uuid(), current.get().getSerialNumber().toString(16), current.get().getNotAfter().toInstant());
    }

    /**
     * What the host needs to start the VM: a router's with a fresh TLS identity of the installation's authority
     * naming its management address, and the address its agent answers (the management L3's gateway: where the
     * node's calls come from, the node's own machine or the datacenter's router on that network).
     */
    private VmTO withAgentIdentity(VmSpec vm) {
        VmTO plain = onItsHost(vm);
        if (!vm.isAppliance()) {
            return plain;
        }
        NicSpec management = managementNic(vm);
        java.util.List<String> pem = credentials.issue(vm, management).toPem();
        return new VmTO(plain.uuid(), plain.name(), true, plain.nics(), plain.agentSecret(),
                new AgentTlsTO(pem.get(0), pem.get(1), pem.get(2)), management.gateway());
    }

    /**
     * The VM as its host starts it: each VXLAN nic's L2 with its VNI, the host's VTEP and the peers of now (the
     * plain {@link #to} is enough to stop or destroy a VM).
     */
    private VmTO onItsHost(VmSpec vm) {
        VmTO plain = to(vm);
        Map<String, L2TO> byL2 = new java.util.HashMap<>();
        List<NicTO> nics = plain.nics().stream().map(nic -> {
            L2TO l2 = byL2.computeIfAbsent(nic.l2().uuid(), uuid -> vxlan.l2On(vm.hostUuid(), uuid).orElse(nic.l2()));
            return l2 == nic.l2() ? nic : new NicTO(nic.uuid(), nic.deviceId(), nic.mac(), l2, nic.ip(), nic.netmask(), nic.gateway(),
                    nic.defaultRoute());
        }).toList();
        return new VmTO(plain.uuid(), plain.name(), plain.appliance(), nics, plain.agentSecret(), plain.agentTls(),
                plain.managementNodeAddress());
    }

    static VmTO to(VmSpec vm) {
        return new VmTO(vm.uuid(), vm.name(), vm.isAppliance(), vm.nics().stream().map(NetnsHypervisor::to).toList(),
                vm.bootParams().get("agentSecret"));
    }

    private static NicTO to(NicSpec nic) {
        return new NicTO(nic.uuid(), nic.deviceId(), nic.mac(), l2(nic), nic.ip(), nic.netmask(), nic.gateway(), nic.defaultRoute());
    }

    /**
     * The nic's L2 as a host realizes it, as far as the nic tells: no VLAN or VLAN by its VLAN id. A VXLAN network's
     * VNI and VTEPs are the host's ({@link #onItsHost}).
     */
    static L2TO l2(NicSpec nic) {
        return new L2TO(nic.l2NetworkUuid(), nic.vlan() != null ? L2TO.VLAN : L2TO.NO_VLAN, nic.physicalInterface(), nic.vlan());
    }
}
