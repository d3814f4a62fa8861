package io.vrouter.server.vrouter;

import io.vrouter.server.config.GlobalConfigDefinition;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.tag.SystemTagFormat;
import io.vrouter.server.tag.Tags;

/**
 * The seed's global configurations and system tags of the virtual router and appliance VMs, registered at start.
 */
public final class VirtualRouterSettings {
    public static final String VR = "virtualRouter";
    public static final String APPLIANCE_VM = "applianceVm";
    public static final String DEPLOY_ON_START = "agent.deployOnStart";
    public static final String PARALLELISM_DEGREE = "command.parallelismDegree";
    public static final String CONNECT_TIMEOUT = "connect.timeout";
    public static final String PING_INTERVAL = "ping.interval";
    public static final String HA_ADVERT_INTERVAL = "ha.advertInterval";
    public static final String L3_NETWORK_VO = io.vrouter.server.l3.L3Networks.RESOURCE_TYPE;

    public static final String INSTANCE_OFFERING_VO = "InstanceOfferingVO";
    public static final String VM_INSTANCE_VO = "VmInstanceVO";

    /** {@code commandsParallelismDegree::N} on a VR offering (inherited by its VRs) or on a VR. */
    public static final SystemTagFormat COMMANDS_PARALLELISM_DEGREE = SystemTagFormat
            .of("commandsParallelismDegree::{parallelismDegree}", INSTANCE_OFFERING_VO, VM_INSTANCE_VO)
            .check("parallelismDegree", "a whole number > 0", VirtualRouterSettings::isPositiveInt)
            .build();

    /** {@code guestL3Network::uuid} on a VR offering: use this offering for VRs of that guest L3. */
    public static final SystemTagFormat GUEST_L3_NETWORK = SystemTagFormat
            .of("guestL3Network::{guestL3NetworkUuid}", INSTANCE_OFFERING_VO)
            .check("guestL3NetworkUuid", "an L3 network uuid", Uuid::isValid)
            .build();

    /**
     * {@code virtualRouterHa::VRRP} on a guest L3: its virtual router is a VRRP pair (docs/ha.md). Read when the
     * L3's routers are created; a pair missing a router is brought back to two.
     */
    public static final SystemTagFormat HA = SystemTagFormat
            .of("virtualRouterHa::{mode}", L3_NETWORK_VO)
            .check("mode", "VRRP", "VRRP"::equals)
            .build();

    /**
     * {@code virtualRouterHaMonitorIp::ip} on an HA guest L3 (any number): the master must reach one of them to stay
     * master (ZStack's monitor IPs of an HA group).
     */
    public static final SystemTagFormat HA_MONITOR_IP = SystemTagFormat
            .of("virtualRouterHaMonitorIp::{ip}", L3_NETWORK_VO)
            .check("ip", "an IPv4 address", ip -> io.vrouter.platform.net.Ipv4.tryParse(ip).isPresent())
            .build();

    private VirtualRouterSettings() {
    }

    public static void register(GlobalConfigs configs, Tags tags) {
        configs.define(GlobalConfigDefinition.bool(VR, DEPLOY_ON_START, false,
                "deploy the virtual router agent whenever a virtual router VM starts, stops or reboots (to upgrade it)"));
        configs.define(GlobalConfigDefinition.positiveInt(VR, PARALLELISM_DEGREE, 100,
                "the most commands a virtual router agent runs at once"));
        configs.define(GlobalConfigDefinition.positiveInt(VR, PING_INTERVAL, 15,
                "seconds between pings of each virtual router agent; 3 missed pings make it Disconnected"));
        configs.define(GlobalConfigDefinition.positiveInt(APPLIANCE_VM, CONNECT_TIMEOUT, 300,
                "seconds the management node waits to connect to an appliance VM's agent, and for one of its commands"));
        configs.define(GlobalConfigDefinition.bool(APPLIANCE_VM, DEPLOY_ON_START, false,
                "deploy the appliance VM agent whenever an appliance VM starts, stops or reboots (to upgrade it)"));
        configs.define(new GlobalConfigDefinition(VR, HA_ADVERT_INTERVAL,
                "milliseconds between VRRP adverts of an HA pair; the backup takes over after about three are missed",
                GlobalConfigDefinition.Type.INTEGER, "100", 10L, 40_950L, java.util.List.of()));
        tags.registerFormat(COMMANDS_PARALLELISM_DEGREE);
        tags.registerFormat(HA);
        tags.registerFormat(HA_MONITOR_IP);
        tags.registerFormat(GUEST_L3_NETWORK);
    }

    private static boolean isPositiveInt(String value) {
        try {
            return Integer.parseInt(value) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
