package io.vrouter.agent.protocol.hostagent;

/** The host agent's HTTP paths (after ZStack's KVM agent) and its default port. */
public final class HostAgentPaths {
    /** {@link ConnectCmd} -> {@link ConnectReply}: can this host run VMs, and with how much. */
    public static final String CONNECT = "/host/connect";
    /** {@link PingCmd} -> {@link PingReply}. */
    public static final String PING = "/host/ping";
    /** {@link ReconcileCmd} -> {@link HostAgentReply}: make the host hold exactly these running VMs. */
    public static final String RECONCILE = "/host/reconcile";
    /** {@link CheckInterfacesCmd} -> {@link CheckInterfacesReply}: which of these physical interfaces the host lacks. */
    public static final String CHECK_INTERFACES = "/network/checkphysicalinterface";
    /** {@link PlugCmd} -> {@link HostAgentReply}: something of the operator's plugged into an L2 (the demo's outside). */
    public static final String PLUG = "/network/plug";
    /** {@link UnplugCmd} -> {@link HostAgentReply}. */
    public static final String UNPLUG = "/network/unplug";
    /** {@link VxlanCidrCmd} -> {@link VxlanCidrReply}: the host's address in a VXLAN pool's VTEP cidr. */
    public static final String VXLAN_CHECK_CIDR = "/network/vxlan/checkcidr";
    /** {@link VxlanFdbCmd} -> {@link HostAgentReply}: the peers each VXLAN L2 on the host floods to. */
    public static final String VXLAN_POPULATE_FDB = "/network/vxlan/populatefdb";
    /** {@link VmCmd} -> {@link HostAgentReply}. */
    public static final String VM_START = "/vm/start";
    /** {@link VmCmd} -> {@link HostAgentReply}: the VM's namespace and nics made, nothing of it started yet. */
    public static final String VM_PREPARE = "/vm/prepare";
    public static final String VM_STOP = "/vm/stop";
    public static final String VM_DESTROY = "/vm/destroy";
    /** {@link VmCmd} -> {@link HostAgentReply}: the shipped router agent jar installed in a router, its agent restarted. */
    public static final String VM_DEPLOY_ROUTER_AGENT = "/vm/router/deployagent";
    /** {@link VmStatusCmd} -> {@link VmStatusReply}: a VM's lease, DHCP client log, agent pid (diagnostics, tests). */
    public static final String VM_STATUS = "/vm/status";
    /** {@link ProbeCmd} -> {@link ProbeReply}: which of another host's addresses this host reaches (a witness of its death). */
    public static final String PROBE = "/host/probe";
    /** {@link HeartbeatCmd} -> {@link HeartbeatReply}: the tracking node is there; arms the host's self-fence. */
    public static final String HEARTBEAT = "/host/heartbeat";
    /** {@link HostAgentReply}: everything of the installation removed from the host (tests, {@code demo --clean}). */
    public static final String CLEAN_ALL = "/host/cleanall";

    /**
     * {@link EnrollBeginCmd} -> {@link EnrollBeginReply}, then {@link EnrollFinishCmd} -> {@link HostAgentReply}: the
     * only paths of a host agent that has no certificate yet, over plain HTTP, and then never again
     * ({@link io.vrouter.agent.tls.HostEnrollment}). Every other path is served over mutual TLS only.
     */
    public static final String ENROLL_BEGIN = "/host/enroll/begin";
    public static final String ENROLL_FINISH = "/host/enroll/finish";

    /** The host agent's default TCP port (ZStack's KVM agent listens on 7070). */
    public static final int DEFAULT_PORT = 7070;

    private HostAgentPaths() {
    }
}
