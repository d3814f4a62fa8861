package io.vrouter.hostagent;

import java.util.regex.Pattern;

/**
 * Names of what the backend creates, all starting with the installation's prefix so that two installations or
 * test runs never collide and a stray is recognisable. Link names must fit IFNAMSIZ (15 characters): a 6-character
 * prefix, one kind letter and 8 hex characters of the owner's uuid make exactly 15. Namespace names have no such
 * limit and carry the whole VM uuid.
 */
public final class NetnsNames {
    public static final int MAX_LINK_NAME = 15;
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{1,5}");

    private final String prefix;

    public NetnsNames(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("netns name prefix '" + prefix + "' must be 2-6 characters [a-z0-9], starting with a letter");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** The bridge of an L2 network. */
    public String bridge(String l2Uuid) {
        return link('b', l2Uuid);
    }

    /** The VLAN sub-interface of a VLAN L2 network's physical interface. */
    public String vlan(String l2Uuid) {
        return link('v', l2Uuid);
    }

    /** The VXLAN device of a VXLAN L2 network, a port of its bridge. */
    public String vxlan(String l2Uuid) {
        return link('e', l2Uuid);
    }

    /** The VXLAN device that belongs to one of our bridges (same L2). */
    public String vxlanOfBridge(String bridge) {
        return sibling(bridge, 'e');
    }

    /** The bridge-side end of a nic's veth pair (in the fabric namespace). */
    public String hostVeth(String nicUuid) {
        return link('n', nicUuid);
    }

    /**
     * The veth pair that gives the host an address on an L2 (the management L3's gateway): one name for both ends,
     * the host's end in the host namespace and the bridge port in the fabric namespace.
     */
    public String managementPort(String l2Uuid) {
        return link('m', l2Uuid);
    }

    /** The namespace of this installation's L2 networks: its bridges and every port on them. */
    public String fabric() {
        return prefix + "fabric";
    }

    /** Whether a link name is one of this installation's bridges. */
    public boolean isBridge(String ifname) {
        return ownsLink(ifname) && ifname.charAt(prefix.length()) == 'b';
    }

    /** The VLAN sub-interface that belongs to one of our bridges (same L2). */
    public String vlanOfBridge(String bridge) {
        return sibling(bridge, 'v');
    }

    /** The management port that belongs to one of our bridges (same L2). */
    public String managementPortOfBridge(String bridge) {
        return sibling(bridge, 'm');
    }

    /** The bridge of the L2 one of our management ports belongs to. */
    public String bridgeOfManagementPort(String port) {
        return sibling(port, 'b');
    }

    /**
     * A name for something of this installation that is not a VM (the demo's outside world): a namespace or a
     * link; removed by {@link HostAgent#cleanAll()}, left alone by reconcile.
     */
    public String extra(String suffix) {
        String name = prefix + "x" + suffix;
        if (name.length() > MAX_LINK_NAME || !suffix.matches("[a-z0-9]+")) {
            throw new IllegalArgumentException("extra name " + name + " must be [a-z0-9] and at most " + MAX_LINK_NAME + " characters");
        }
        return name;
    }

    /** Whether a namespace is an extra of this installation. */
    public boolean ownsExtraNamespace(String namespace) {
        return namespace.startsWith(prefix + "x");
    }

    /**
     * The namespace of a warm spare router agent ({@link SpareRouterAgents}): {@code <prefix>s<8 hex>}. Not a VM's, so
     * reconcile leaves it alone; a router start renames it to the router's namespace.
     */
    public String spareNamespace(String id) {
        if (!id.matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("spare id " + id + " must be 8 hex characters");
        }
        return prefix + "s" + id;
    }

    /** Whether a namespace is a warm spare's of this installation. */
    public boolean ownsSpareNamespace(String namespace) {
        return namespace.length() == prefix.length() + 9 && namespace.startsWith(prefix + "s")
                && namespace.substring(prefix.length() + 1).matches("[0-9a-f]{8}");
    }

    /** The namespace of a VM. */
    public String namespace(String vmUuid) {
        return prefix + "-" + vmUuid;
    }

    /** The VM uuid of one of our namespaces, or null for a namespace that is not ours. */
    public String vmOfNamespace(String namespace) {
        return namespace.startsWith(prefix + "-") ? namespace.substring(prefix.length() + 1) : null;
    }

    /** Whether a link name is one of ours. */
    public boolean ownsLink(String ifname) {
        if (!ifname.startsWith(prefix) || ifname.length() <= prefix.length()) {
            return false;
        }
        char kind = ifname.charAt(prefix.length());
        return kind == 'x' || (ifname.length() == MAX_LINK_NAME && "bvnme".indexOf(kind) >= 0);
    }

    /** The interface name of nic {@code deviceId} inside the VM. */
    public static String guestIfname(int deviceId) {
        return "eth" + deviceId;
    }

    private String sibling(String link, char kind) {
        if (!ownsLink(link)) {
            throw new IllegalArgumentException(link + " is not a link of prefix " + prefix);
        }
        return prefix + kind + link.substring(prefix.length() + 1);
    }

    private String link(char kind, String uuid) {
        String hex = uuid.replace("-", "");
        String name = prefix + kind + hex.substring(0, Math.min(hex.length(), MAX_LINK_NAME - prefix.length() - 1));
        if (name.length() > MAX_LINK_NAME) {
            throw new IllegalStateException("link name " + name + " is longer than " + MAX_LINK_NAME);
        }
        return name;
    }
}
