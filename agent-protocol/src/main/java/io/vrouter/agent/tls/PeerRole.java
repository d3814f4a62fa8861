package io.vrouter.agent.tls;

/**
 * What a certificate of the installation's authority lets its holder be. The role is written as the certificate's
 * extended key usage, so a router's certificate can never open a connection to another router as if it were the
 * management node: TLS servers need {@code serverAuth}, TLS clients {@code clientAuth}, and each certificate has one.
 * The subject's organisational unit names the role too, and is checked with it ({@link AgentTls}).
 */
public enum PeerRole {
    /** The management node: the only client agents accept. */
    MANAGEMENT_NODE("management-node", "1.3.6.1.5.5.7.3.2"),
    /** A virtual router's agent: a TLS server the node calls. */
    AGENT("agent", "1.3.6.1.5.5.7.3.1"),
    /**
     * A host's agent: a TLS server the node calls, told apart from a router's agent by the subject's unit (both are
     * {@code serverAuth}): a router, which faces guests, must never pass as a host agent, which holds the routers' keys.
     */
    HOST_AGENT("host-agent", "1.3.6.1.5.5.7.3.1");

    private final String unit;
    private final String extendedKeyUsage;

    PeerRole(String unit, String extendedKeyUsage) {
        this.unit = unit;
        this.extendedKeyUsage = extendedKeyUsage;
    }

    /** The subject's organisational unit, for people reading the certificate. */
    public String unit() {
        return unit;
    }

    /** The OID of the extended key usage that grants the role (RFC 5280 §4.2.1.12). */
    public String extendedKeyUsage() {
        return extendedKeyUsage;
    }
}
