package io.vrouter.server.networkservice;

import io.vrouter.server.config.GlobalConfigDefinition;
import io.vrouter.server.config.GlobalConfigs;

import java.util.List;
import java.util.Map;

/**
 * The MTU a guest's DHCP lease carries (option 26), by the kind of L2 under its L3: ZStack's global configs
 * {@code networkService/defaultDhcpMtu.<L2 type>}. A VXLAN L2 gets 1450: a guest frame there is wrapped in 50 bytes
 * of outer Ethernet, IPv4, UDP and VXLAN headers and must still fit the hosts' 1500-byte data network, so a guest
 * left at 1500 would have its full-sized packets dropped by the vxlan device (no ICMP comes back from a bridge).
 */
public final class DhcpMtu {
    public static final String CATEGORY = "networkService";
    private static final Map<String, Integer> DEFAULTS = Map.of(
            "L2NoVlanNetwork", 1500,
            "L2VlanNetwork", 1500,
            "L2VxlanNetwork", 1450);

    private final GlobalConfigs configs;

    private DhcpMtu(GlobalConfigs configs) {
        this.configs = configs;
    }

    /** Defines the configs (once per node) and returns their reader. */
    public static DhcpMtu define(GlobalConfigs configs) {
        DEFAULTS.forEach((l2Type, mtu) -> configs.define(new GlobalConfigDefinition(CATEGORY, name(l2Type),
                "the MTU DHCP gives guests of L3 networks on an " + l2Type, GlobalConfigDefinition.Type.INTEGER,
                Integer.toString(mtu), 68L, 9216L, List.of())));
        return new DhcpMtu(configs);
    }

    /** The MTU for guests of an L3 on an L2 of this type; null (no option 26) for a type without a config. */
    public Integer of(String l2Type) {
        return l2Type != null && DEFAULTS.containsKey(l2Type) ? configs.intValue(CATEGORY, name(l2Type)) : null;
    }

    private static String name(String l2Type) {
        return "defaultDhcpMtu." + Character.toLowerCase(l2Type.charAt(0)) + l2Type.substring(1);
    }
}
