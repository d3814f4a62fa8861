package io.vrouter.server.vrouter.simulator;

import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentIdentity;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.http.AgentHost;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.hypervisor.simulator.SimulatorHypervisor;
import io.vrouter.server.vrouter.AgentPackage;
import io.vrouter.server.vrouter.ApplianceAgents;

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
    private final AgentPackage shipped;
    private final Map<String, RecordingDataplane> dataplanes = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, String> md5Override = new ConcurrentHashMap<>();
    private volatile String nextBootMd5;

    public SimulatorRouterAgents(AgentPackage shipped) {
        this.shipped = shipped;
        this.host = AgentHost.start("127.0.0.1", 0, 32);
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
        mount(vm.uuid());
    }

    @Override
    public void stopped(VmSpec vm) {
        host.unmount(vm.uuid());
    }

    @Override
    public String agentUrl(VmSpec router) {
        return host.baseUrl(router.uuid());
    }

    @Override
    public void deployAgent(VmSpec router) {
        md5Override.put(router.uuid(), shipped.md5());
        mount(router.uuid());
    }

    private void mount(String vrUuid) {
        RecordingDataplane dataplane = dataplanes.computeIfAbsent(vrUuid, k -> new RecordingDataplane(256));
        host.mount(vrUuid, new Agent(vrUuid, secrets.getOrDefault(vrUuid, ""), dataplane,
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

    /** The agent stops answering, the VM still runs. */
    public void silence(String vrUuid) {
        host.unmount(vrUuid);
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
    }
}
