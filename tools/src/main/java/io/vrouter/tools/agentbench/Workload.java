package io.vrouter.tools.agentbench;

import io.vrouter.agent.lab.RouterLab;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.VipTO;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's state, generated: guests in 10.1.0.0/16, VIPs in 203.0.0.0/16 (all inside the lab namespace).
 * Port forwarding rules are spread over 100 VIPs with 100 rules each; every tenth covers a range of 5 ports,
 * every fourth shifts ports, every tenth has an allowedCidr (its own chain).
 */
final class Workload {

    static final int EIP_VIP_BASE = Ipv4.parse("203.0.16.0").bits();
    static final int PF_VIP_BASE = Ipv4.parse("203.0.8.0").bits();
    static final int GUEST_BASE = Ipv4.parse("10.1.0.10").bits();

    private Workload() {
    }

    static List<NicInfo> nics() {
        return List.of(
                new NicInfo("203.0.0.2", RouterLab.PUBLIC_MAC, "203.0.0.1", "255.255.0.0", true, "Public", null, null,
                        1500),
                new NicInfo("10.1.0.1", RouterLab.GUEST_MAC, null, "255.255.0.0", false, "Private", null, null, 1500));
    }

    static String guestIp(int i) {
        return Ipv4.ofBits(GUEST_BASE + i).toString();
    }

    static DhcpInfo dhcp(int i) {
        int mac = 0x100000 + i;
        return new DhcpInfo(guestIp(i), String.format("02:aa:00:%02x:%02x:%02x", mac >> 16 & 0xff, mac >> 8 & 0xff,
                mac & 0xff), "255.255.0.0", "10.1.0.1", List.of("10.1.0.1"), null, RouterLab.GUEST_MAC, "bench.test",
                true, 1450);
    }

    static VipTO eipVip(int i) {
        return new VipTO(Ipv4.ofBits(EIP_VIP_BASE + i).toString(), "255.255.0.0", "203.0.0.1", RouterLab.PUBLIC_MAC, "v" + i);
    }

    static EipTO eip(int i) {
        return new EipTO(Ipv4.ofBits(EIP_VIP_BASE + i).toString(), RouterLab.GUEST_MAC, RouterLab.PUBLIC_MAC, guestIp(i), false);
    }

    static PortForwardingRuleTO pf(int i) {
        String vip = Ipv4.ofBits(PF_VIP_BASE + i / 100).toString();
        int port = 1000 + (i % 100) * 5;
        int width = i % 10 == 1 ? 4 : 0;
        int shift = i % 4 == 0 ? 20000 : 0;
        return new PortForwardingRuleTO("pf-" + i, port, port + width, port + shift, port + shift + width,
                i % 2 == 0 ? "TCP" : "UDP", vip, RouterLab.PUBLIC_MAC,
                guestIp(i % 5000), RouterLab.GUEST_MAC, i % 10 == 0 ? "198.51.100.0/24" : null, false);
    }

    static <T> List<T> list(int from, int count, java.util.function.IntFunction<T> make) {
        List<T> list = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            list.add(make.apply(i));
        }
        return list;
    }
}
