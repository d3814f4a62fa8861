package io.vrouter.agent.nft;

/**
 * Names of the agent's table, sets and maps. Everything lives in one table, {@code ip vrouter}, that the agent
 * owns: it replaces it whole on a full sync and never touches any other table. Names are short ASCII words, and
 * avoid nft keywords ("snat" is one, hence {@code snat_nets}).
 */
final class NftLayout {

    static final String FAMILY = "ip";
    static final String TABLE = "vrouter";

    /** ifname: nics with category Public; their inbound traffic is filtered. */
    static final String PUBLIC_IFS = "public_ifs";
    /** ifname . subnet of each guest nic: a DNATed packet leaving where it came from needs hairpin masquerade. */
    static final String GUEST_NETS = "guest_nets";
    /** oif . guest subnet -> public IP (interval). */
    static final String SNAT_NETS = "snat_nets";
    /** vip -> guest IP. */
    static final String EIP_DNAT = "eip_dnat";
    /** oif . guest IP -> vip: a guest with an EIP leaves with its EIP, not the router's SNAT address. */
    static final String EIP_SNAT = "eip_snat";
    /** guest IP -> the router's address on the guest nic, for EIPs with snatInboundTraffic. */
    static final String EIP_INBOUND = "eip_inbound";
    /**
     * proto . vip . port -> private IP . private port: one element per VIP port. Ranges are expanded rather than
     * stored as intervals: a hash map costs the same at 10 and 50,000 elements, for a lookup and for an update.
     */
    static final String PF_DNAT = "pf_dnat";
    /** proto . vip . port of rules with an allowedCidr: their packets must come from inside it. */
    static final String PF_ACL = "pf_acl";
    /** proto . vip . port . allowed source subnet (interval): the sources a filtered port accepts. */
    static final String PF_ALLOWED = "pf_allowed";

    private NftLayout() {
    }
}
