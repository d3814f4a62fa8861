package io.vrouter.agent.core;

import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.SNATInfo;
import io.vrouter.agent.protocol.VipTO;
import java.util.List;

/** A small VR: a public nic on 192.0.2.0/24 and a guest nic on 10.1.0.0/24 (documentation ranges, no traffic). */
public final class Samples {

    public static final String PUBLIC_MAC = "02:00:00:00:01:01";
    public static final String GUEST_MAC = "02:00:00:00:02:01";

    private Samples() {
    }

    public static NicInfo publicNic() {
        return new NicInfo("192.0.2.10", PUBLIC_MAC, "192.0.2.1", "255.255.255.0", true, "Public", "L2NoVlanNetwork",
                null, 1500);
    }

    public static NicInfo guestNic() {
        return new NicInfo("10.1.0.1", GUEST_MAC, null, "255.255.255.0", false, "Private", "L2NoVlanNetwork", null,
                1500);
    }

    public static List<NicInfo> nics() {
        return List.of(publicNic(), guestNic());
    }

    public static DhcpInfo dhcp(int host) {
        return new DhcpInfo("10.1.0." + host, String.format("02:00:00:00:03:%02x", host), "255.255.255.0", "10.1.0.1",
                List.of("10.1.0.1"), null, GUEST_MAC, "vr.test", true, 1450);
    }

    public static SNATInfo snat() {
        return new SNATInfo(PUBLIC_MAC, "192.0.2.10", GUEST_MAC, "10.1.0.1", "10.1.0.1", "255.255.255.0");
    }

    public static VipTO vip(int host) {
        return new VipTO("192.0.2." + host, "255.255.255.0", "192.0.2.1", PUBLIC_MAC, "vip-" + host);
    }

    public static EipTO eip(int vipHost, int guestHost) {
        return new EipTO("192.0.2." + vipHost, GUEST_MAC, PUBLIC_MAC, "10.1.0." + guestHost, false);
    }

    public static PortForwardingRuleTO pf(String uuid, String protocol, int vipStart, int vipEnd, int privateStart,
            int privateEnd, String allowedCidr) {
        return new PortForwardingRuleTO(uuid, vipStart, vipEnd, privateStart, privateEnd, protocol, "192.0.2.20",
                PUBLIC_MAC, "10.1.0.5", GUEST_MAC, allowedCidr, false);
    }
}
