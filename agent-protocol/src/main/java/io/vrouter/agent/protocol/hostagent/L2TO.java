package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/**
 * An L2 network as a host realizes it: a bridge, over {@code physicalInterface} (no VLAN), over
 * {@code physicalInterface.vlan}, or fed by a vxlan device ({@code L2VxlanNetwork}: VNI {@code vni} from this host's
 * VTEP address {@code localVtep}, flooding to {@code peerVteps}, the other hosts' VTEPs of the network's pool).
 * {@code type} names the kind; a kind the agent does not know is refused with a clear error rather than realized as
 * a bare bridge.
 */
public record L2TO(String uuid, String type, String physicalInterface, Integer vlan, Integer vni, String localVtep,
                   List<String> peerVteps) {
    public static final String NO_VLAN = "L2NoVlanNetwork";
    public static final String VLAN = "L2VlanNetwork";
    public static final String VXLAN = "L2VxlanNetwork";

    public L2TO {
        peerVteps = peerVteps == null ? null : List.copyOf(peerVteps);
    }

    /** A no-VLAN or VLAN L2. */
    public L2TO(String uuid, String type, String physicalInterface, Integer vlan) {
        this(uuid, type, physicalInterface, vlan, null, null, null);
    }

    /** A VXLAN L2 as seen from one host. */
    public static L2TO vxlan(String uuid, int vni, String localVtep, List<String> peerVteps) {
        return new L2TO(uuid, VXLAN, null, null, vni, localVtep, peerVteps);
    }

    public boolean isVxlan() {
        return VXLAN.equals(type);
    }
}
