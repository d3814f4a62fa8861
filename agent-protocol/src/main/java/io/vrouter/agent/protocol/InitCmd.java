package io.vrouter.agent.protocol;

import java.util.List;
import java.util.Map;

/** Body of {@code /init}: gives the agent the virtual router's uuid; the agent answers pings with it until restarted. */
public record InitCmd(String uuid, String mgtCidr, String logLevel, List<String> timeServers, Map<String, String> parms) {
}
