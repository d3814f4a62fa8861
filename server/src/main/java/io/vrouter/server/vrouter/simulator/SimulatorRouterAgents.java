package io.vrouter.server.vrouter.simulator;

import io.vrouter.agent.protocol.InProcessAgents;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.hypervisor.simulator.SimulatorHypervisor;
import io.vrouter.server.vrouter.AgentPackage;
import io.vrouter.server.vrouter.ApplianceAgents;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents of Simulator routers: started when a router VM starts, stopped when it stops, redeployed by Reconnect,
 * run in-process by {@link InProcessAgents} (the agent module's, given by whoever composes the node) so the
 * management node's agent client, command queue and sync are exercised for real. Tests can make an agent go silent,
 * restart it (losing its init), or run an old version.
 */
public final class SimulatorRouterAgents implements SimulatorHypervisor.ApplianceRuntime, ApplianceAgents, AutoCloseable {
    private final InProcessAgents agents;
    private final AgentPackage shipped;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, String> md5Override = new ConcurrentHashMap<>();
    private volatile String nextBootMd5;
    private volatile boolean nextBootForeign;
    /** Routers whose agent still presents the foreign certificate it booted with (not yet redeployed). */
    private final Set<String> foreign = ConcurrentHashMap.newKeySet();

    public SimulatorRouterAgents(AgentPackage shipped, InProcessAgents agents) {
        this.shipped = shipped;
        this.agents = agents;
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
        if (nextBootForeign) {
            nextBootForeign = false;
            foreign.add(vm.uuid());
            agents.startWithForeignCertificate(vm.uuid(), secret, shipped.version(), md5);
        } else {
            start(vm.uuid());
        }
    }

    @Override
    public void stopped(VmSpec vm) {
        agents.stop(vm.uuid());
    }

    @Override
    public String agentUrl(VmSpec router) {
        return agents.url(router.uuid());
    }

    @Override
    public void deployAgent(VmSpec router) {
        md5Override.put(router.uuid(), shipped.md5());
        start(router.uuid());
    }

    private void start(String vrUuid) {
        // a deploy or restart brings the installation's certificate
        foreign.remove(vrUuid);
        agents.start(vrUuid, secrets.getOrDefault(vrUuid, ""), shipped.version(),
                md5Override.getOrDefault(vrUuid, shipped.md5()));
    }

    // ---------------------------------------------------------------- for tests and scale runs

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

    /** Whether the router's agent still presents the foreign certificate it booted with (not yet redeployed). */
    public boolean runsForeignCertificate(String vrUuid) {
        return foreign.contains(vrUuid);
    }

    /** The agent stops answering, the VM still runs. */
    public void silence(String vrUuid) {
        agents.stop(vrUuid);
    }

    /** The agent process restarts: it answers again but has lost its init and its in-memory state. */
    public void restartAgent(String vrUuid) {
        start(vrUuid);
    }

    /** The agent restarts as another version, reporting this md5. */
    public void restartAgentAs(String vrUuid, String md5) {
        md5Override.put(vrUuid, md5);
        start(vrUuid);
    }

    /** The md5 the router's running agent reports. */
    public String agentMd5(String vrUuid) {
        return md5Override.get(vrUuid);
    }

    @Override
    public void close() {
        agents.close();
    }
}
