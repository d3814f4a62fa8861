package io.vrouter.agent.protocol;

/** The agent's HTTP paths (reference §1) and the header that carries the shared secret. */
public final class AgentPaths {

    public static final String ECHO = "/echo";
    public static final String INIT = "/init";
    public static final String PING = "/ping";
    public static final String STATUS = "/status";
    public static final String CONFIGURE_NIC = "/configurenic";
    public static final String REMOVE_NIC = "/removenic";
    public static final String ADD_DHCP = "/adddhcp";
    public static final String REMOVE_DHCP = "/removedhcp";
    public static final String SET_DNS = "/setdns";
    public static final String REMOVE_DNS = "/removedns";
    public static final String SET_SNAT = "/setsnat";
    public static final String REMOVE_SNAT = "/removesnat";
    public static final String SYNC_SNAT = "/syncsnat";
    public static final String CREATE_VIP = "/createvip";
    public static final String REMOVE_VIP = "/removevip";
    public static final String SYNC_VIP = "/syncvip";
    public static final String CREATE_EIP = "/createeip";
    public static final String REMOVE_EIP = "/removeeip";
    public static final String SYNC_EIP = "/synceip";
    public static final String CREATE_PORT_FORWARDING = "/createportforwarding";
    public static final String REVOKE_PORT_FORWARDING = "/revokeportforwarding";
    public static final String SYNC_PORT_FORWARDING = "/syncportforwarding";
    /** This project's own: VRRP pairs (not in ZStack's virtual router protocol). */
    public static final String CONFIGURE_HA = "/configureha";
    public static final String HA_STATUS = "/hastatus";
    /**
     * This project's own: the node hands the agent a new TLS identity of the same authority (a body of
     * {@link io.vrouter.agent.protocol.hostagent.AgentTlsTO}); the agent's server presents it from its next handshake on.
     */
    public static final String ROTATE_CERTIFICATE = "/rotatecertificate";
    /** The master announces its floating addresses again (gratuitous ARP): its partner was stood down. */
    public static final String ANNOUNCE_HA = "/announceha";

    /** Carries {@code Bearer <secret>} on every path but {@link #ECHO}. */
    public static final String AUTHORIZATION_HEADER = "Authorization";
    public static final String BEARER_PREFIX = "Bearer ";

    /** Where agents live when many share one HTTP server: {@code /agents/<id>/<path>}. */
    public static final String MOUNT_PREFIX = "/agents/";

    /** The agent's default TCP port, as ZStack's. */
    public static final int DEFAULT_PORT = 7272;

    private AgentPaths() {
    }
}
