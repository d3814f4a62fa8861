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
     * stored as intervals because nft must read a whole interval set to change one element (O(n) per update),
     * while a hash map costs the same at 10 and 50,000 elements.
     */
    static final String PF_DNAT = "pf_dnat";
    /** proto . vip . port -> goto the rule's allowedCidr chain, for rules with an allowedCidr. */
    static final String PF_ACL = "pf_acl";
    /** Prefix of the per-rule chains that drop sources outside a rule's allowedCidr. */
    static final String PF_ACL_CHAIN_PREFIX = "pfacl_";

    private NftLayout() {
    }
}
