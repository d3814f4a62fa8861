package io.vrouter.server.hypervisor.netns;

import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.hostagent.CheckInterfacesCmd;
import io.vrouter.agent.protocol.hostagent.CheckInterfacesReply;
import io.vrouter.agent.protocol.hostagent.ConnectCmd;
import io.vrouter.agent.protocol.hostagent.ConnectReply;
import io.vrouter.agent.protocol.hostagent.HeartbeatCmd;
import io.vrouter.agent.protocol.hostagent.HeartbeatReply;
import io.vrouter.agent.protocol.hostagent.HostAgentPaths;
import io.vrouter.agent.protocol.hostagent.HostAgentReply;
import io.vrouter.agent.protocol.hostagent.L2TO;
import io.vrouter.agent.protocol.hostagent.PingCmd;
import io.vrouter.agent.protocol.hostagent.PingReply;
import io.vrouter.agent.protocol.hostagent.PlugCmd;
import io.vrouter.agent.protocol.hostagent.ProbeCmd;
import io.vrouter.agent.protocol.hostagent.ProbeReply;
import io.vrouter.agent.protocol.hostagent.ReconcileCmd;
import io.vrouter.agent.protocol.hostagent.UnplugCmd;
import io.vrouter.agent.protocol.hostagent.VmCmd;
import io.vrouter.agent.protocol.hostagent.VmStatusCmd;
import io.vrouter.agent.protocol.hostagent.VmStatusReply;
import io.vrouter.agent.protocol.hostagent.VmTO;
import io.vrouter.agent.protocol.hostagent.VxlanCidrCmd;
import io.vrouter.agent.protocol.hostagent.VxlanCidrReply;
import io.vrouter.agent.protocol.hostagent.VxlanFdbCmd;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/**
 * The one client of a host agent: a typed method per command of {@link HostAgentPaths}. The transport is the agent
 * protocol's ({@link AgentClient#call}: the secret as a bearer token, a timeout per call, an
 * {@link io.vrouter.agent.protocol.AgentException} naming the host's URL, the path and the elapsed time; a 401 for a
 * wrong secret). Pings get a short timeout, VM commands a long one (a stop waits up to 10 s for a VM's processes).
 */
public final class HostAgentClient {
    static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    private final AgentClient commands;
    private final AgentClient pings;
    private final String hostUuid;

    /** {@code http}: shared by every host's client (it owns the connection pool). */
    public HostAgentClient(HttpClient http, String url, String secret, String hostUuid) {
        this.commands = new AgentClient(http, url, secret, COMMAND_TIMEOUT);
        this.pings = commands.withTimeout(PING_TIMEOUT);
        this.hostUuid = hostUuid;
    }

    public String url() {
        return commands.baseUrl();
    }

    public ConnectReply connect() {
        return pings.withTimeout(Duration.ofSeconds(30)).call(HostAgentPaths.CONNECT, new ConnectCmd(hostUuid), ConnectReply.class);
    }

    public PingReply ping() {
        return pings.call(HostAgentPaths.PING, new PingCmd(hostUuid), PingReply.class);
    }

    /** The tracking node's heartbeat, within {@code timeout} (a probe round must not wait long for a dead host). */
    public HeartbeatReply heartbeat(List<String> peers, int fenceAfterSeconds, Duration timeout) {
        return pings.withTimeout(timeout).call(HostAgentPaths.HEARTBEAT, new HeartbeatCmd(hostUuid, peers, fenceAfterSeconds),
                HeartbeatReply.class);
    }

    /** Which of {@code addresses} this host reaches (it witnesses another host's death), each within {@code each}. */
    public List<String> probe(List<String> addresses, Duration each) {
        return pings.withTimeout(each.plusSeconds(2)).call(HostAgentPaths.PROBE, new ProbeCmd(addresses, (int) each.toMillis()),
                ProbeReply.class).answered();
    }

    public void startVm(VmTO vm) {
        commands.call(HostAgentPaths.VM_START, new VmCmd(vm), HostAgentReply.class);
    }

    /** The VM's namespace and nics on its host, nothing of it started ({@link HostAgentPaths#VM_PREPARE}). */
    public void prepareVm(VmTO vm) {
        commands.call(HostAgentPaths.VM_PREPARE, new VmCmd(vm), HostAgentReply.class);
    }

    public void stopVm(VmTO vm) {
        commands.call(HostAgentPaths.VM_STOP, new VmCmd(vm), HostAgentReply.class);
    }

    public void destroyVm(VmTO vm) {
        commands.call(HostAgentPaths.VM_DESTROY, new VmCmd(vm), HostAgentReply.class);
    }

    public void deployRouterAgent(VmTO router) {
        commands.call(HostAgentPaths.VM_DEPLOY_ROUTER_AGENT, new VmCmd(router), HostAgentReply.class);
    }

    public VmStatusReply vmStatus(String vmUuid, int deviceId) {
        return pings.call(HostAgentPaths.VM_STATUS, new VmStatusCmd(vmUuid, deviceId), VmStatusReply.class);
    }

    public void reconcile(List<VmTO> running) {
        commands.withTimeout(COMMAND_TIMEOUT.multipliedBy(5)).call(HostAgentPaths.RECONCILE, new ReconcileCmd(hostUuid, running),
                HostAgentReply.class);
    }

    /** The interfaces of {@code interfaces} the host lacks. */
    public List<String> missingInterfaces(List<String> interfaces) {
        return commands.call(HostAgentPaths.CHECK_INTERFACES, new CheckInterfacesCmd(interfaces), CheckInterfacesReply.class).missing();
    }

    /** This host's address in a VXLAN pool's VTEP cidr; the agent's error names its addresses when it has none. */
    public String vtepAddress(String cidr) {
        return commands.call(HostAgentPaths.VXLAN_CHECK_CIDR, new VxlanCidrCmd(cidr), VxlanCidrReply.class).vtepIp();
    }

    /** The peers each of these VXLAN L2s floods to on this host (those it realizes). */
    public void populateFdb(List<L2TO> networks) {
        commands.call(HostAgentPaths.VXLAN_POPULATE_FDB, new VxlanFdbCmd(networks), HostAgentReply.class);
    }

    public void plug(L2TO l2, String portSuffix, String namespace, String ifname) {
        commands.call(HostAgentPaths.PLUG, new PlugCmd(l2, portSuffix, namespace, ifname), HostAgentReply.class);
    }

    public void unplug(String portSuffix) {
        commands.call(HostAgentPaths.UNPLUG, new UnplugCmd(portSuffix), HostAgentReply.class);
    }

    public void cleanAll() {
        commands.call(HostAgentPaths.CLEAN_ALL, null, HostAgentReply.class);
    }
}
