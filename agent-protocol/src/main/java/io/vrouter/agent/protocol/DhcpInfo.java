package io.vrouter.agent.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One static DHCP entry: a guest nic's MAC and IP plus the options its network hands out. */
public record DhcpInfo(
        String ip,
        String mac,
        String netmask,
        String gateway,
        List<String> dns,
        String hostname,
        String vrNicMac,
        String dnsDomain,
        @JsonProperty("isDefaultL3Network") boolean isDefaultL3Network,
        Integer mtu) {
}
