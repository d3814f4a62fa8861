package io.vrouter.server.vrouter.simulator;

import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentIdentity;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.http.AgentHost;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.hypervisor.simulator.SimulatorHypervisor;
import io.vrouter.server.vrouter.AgentPackage;
import io.vrouter.server.vrouter.ApplianceAgents;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the agents of Simulator routers: the real {@link Agent} with a {@link RecordingDataplane}, mounted in one
 * in-process HTTP host under {@code /agents/<router uuid>}, so the management node's agent client, command queue
 * and sync are exercised for real. A router's dataplane outlives its agent, as a kernel's state outlives a
 * restarted agent process. Tests can make an agent go silent, restart it (losing its init), or run an old version.
 */
public final class SimulatorRouterAgents implements SimulatorHypervisor.ApplianceRuntime, ApplianceAgents, AutoCloseable {
    private final AgentHost host;
    /**
     * Where routers booted by {@link #bootNextWithForeignCertificate} run: an agent host whose certificate comes from
     * another authority, as after the installation's authority was replaced; a deploy moves the router to {@link #host}.
     */
    private AgentHost foreignHost;
    private final Map<String, AgentHost> hostOf = new ConcurrentHashMap<>();
    private volatile boolean nextBootForeign;
    private final AgentPackage shipped;
    private final Map<String, RecordingDataplane> dataplanes = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, String> md5Override = new ConcurrentHashMap<>();
    private volatile String nextBootMd5;

    /**
     * @param authority the installation's: the one agent host presents a certificate it issued for 127.0.0.1 (all
     *                  Simulator routers share that address, so the node's address check names the host, not a router)
     */
    public SimulatorRouterAgents(AgentPackage shipped, CertificateAuthority authority) {
        this.shipped = shipped;
        this.host = AgentHost.start("127.0.0.1", 0, 32,
                AgentTls.agentContext(authority.issue(PeerRole.AGENT, "simulator agents", List.of("127.0.0.1"))));
    }

    @Override
    public void started(VmSpec vm) {
        String secret = vm.bootParams().get("agentSecret");
        if (secret == null || secret.isEmpty()) {
            return; // an appliance that is not a virtual router: no agent of ours runs in it
        }
        secrets.put(vm.uuid(), secret);
        String md5 = nextBootMd5 != null ? nextBootMd5 : shipped.md5();
        nextBootMd5 = null;
        md5Override.put(vm.uuid(), md5);
        hostOf.put(vm.uuid(), nextBootForeign ? foreignHost() : host);
        nextBootForeign = false;
        mount(vm.uuid());
    }

    @Override
    public void stopped(VmSpec vm) {
        hostOf(vm.uuid()).unmount(vm.uuid());
    }

    @Override
    public String agentUrl(VmSpec router) {
        return hostOf(router.uuid()).baseUrl(router.uuid());
    }

    @Override
    public void deployAgent(VmSpec router) {
        md5Override.put(router.uuid(), shipped.md5());
        // a deploy brings the installation's certificate: the router leaves the foreign host if it was there
        AgentHost previous = hostOf.put(router.uuid(), host);
        if (previous != null && previous != host) {
            previous.unmount(router.uuid());
        }
        mount(router.uuid());
    }

    private AgentHost hostOf(String vrUuid) {
        return hostOf.getOrDefault(vrUuid, host);
    }

    private void mount(String vrUuid) {
        RecordingDataplane dataplane = dataplanes.computeIfAbsent(vrUuid, k -> new RecordingDataplane(256));
        hostOf(vrUuid).mount(vrUuid, new Agent(vrUuid, secrets.getOrDefault(vrUuid, ""), dataplane,
                new AgentIdentity(shipped.version(), md5Override.getOrDefault(vrUuid, shipped.md5()))));
    }

    // ---------------------------------------------------------------- for tests and scale runs

    /** The router's dataplane: what its agent applied. */
    public Optional<RecordingDataplane> dataplane(String vrUuid) {
        return Optional.ofNullable(dataplanes.get(vrUuid));
    }

    /** The next router to boot runs an agent reporting this md5 (an old agent to upgrade). */
    public void bootNextWithAgentMd5(String md5) {
        this.nextBootMd5 = md5;
    }

    /**
     * The next router to boot runs an agent whose certificate is not of this installation (its authority was
     * replaced, or the agent predates TLS): the node must refuse it and redeploy.
     */
    public void bootNextWithForeignCertificate() {
        this.nextBootForeign = true;
    }

    /** Started on first use: a node start should not pay for a test's second server. */
    private synchronized AgentHost foreignHost() {
        if (foreignHost == null) {
            CertificateAuthority elsewhere = CertificateAuthority.create("another installation");
            foreignHost = AgentHost.start("127.0.0.1", 0, 8,
                    AgentTls.agentContext(elsewhere.issue(PeerRole.AGENT, "foreign agents", List.of("127.0.0.1"))));
        }
        return foreignHost;
    }

    /** Whether the router's agent still presents the foreign certificate it booted with (not yet redeployed). */
    public boolean runsForeignCertificate(String vrUuid) {
        AgentHost current = hostOf(vrUuid);
        return current != host;
    }

    /** The agent stops answering, the VM still runs. */
    public void silence(String vrUuid) {
        hostOf(vrUuid).unmount(vrUuid);
    }

    /** The agent process restarts: it answers again but has lost its init and its in-memory state. */
    public void restartAgent(String vrUuid) {
        mount(vrUuid);
    }

    /** The agent restarts as another version, reporting this md5. */
    public void restartAgentAs(String vrUuid, String md5) {
        md5Override.put(vrUuid, md5);
        mount(vrUuid);
    }

    /** The md5 the router's running agent reports. */
    public String agentMd5(String vrUuid) {
        return md5Override.get(vrUuid);
    }

    @Override
    public void close() {
        host.close();
        synchronized (this) {
            if (foreignHost != null) {
                foreignHost.close();
            }
        }
    }
}
