package io.vrouter.server.hostfailure;

import io.vrouter.server.config.GlobalConfigDefinition;
import io.vrouter.server.config.GlobalConfigs;

import java.time.Duration;

/**
 * The global configurations of host death: how often hosts are probed, how long silence takes to be death, and how
 * long an agent's silence alone takes to make its host Disconnected.
 */
public final class HostFailureSettings {
    public static final String CATEGORY = "hostFailure";
    public static final String ENABLED = "failover.enabled";
    public static final String PROBE_INTERVAL = "probe.interval";
    public static final String CONFIRM_TIME = "confirm.time";
    public static final String WITNESSES = "witnesses";
    /** The category of the agent-loss settings, named as ZStack's host ping settings they stand for. */
    public static final String HOST_CATEGORY = "host";
    public static final String PING_INTERVAL = "ping.interval";
    public static final String MAX_MISSES = "ping.maxMisses";

    private HostFailureSettings() {
    }

    static void register(GlobalConfigs configs) {
        configs.define(GlobalConfigDefinition.bool(CATEGORY, ENABLED, true,
                "whether routers of a host confirmed dead are re-created on another host"));
        configs.define(GlobalConfigDefinition.positiveInt(CATEGORY, PROBE_INTERVAL, 1,
                "seconds between probes of each host's agent and data plane"));
        configs.define(GlobalConfigDefinition.positiveInt(CATEGORY, CONFIRM_TIME, 5,
                "seconds a host's agent and data plane must stay silent before it is confirmed dead and its routers move:"
                        + " shorter moves routers sooner, longer rides out network blips and slow hosts without a failover"));
        configs.define(GlobalConfigDefinition.positiveInt(CATEGORY, WITNESSES, 2,
                "how many probes of a host's data plane (from peer hosts, the management node standing in) must go"
                        + " unanswered in a round for it to count as silent"));
        // the agents are asked every probe.interval (hostFailure); these two say how long one that does not answer is
        // waited for before its host is Disconnected: ping.interval times ping.maxMisses seconds
        configs.define(GlobalConfigDefinition.positiveInt(HOST_CATEGORY, PING_INTERVAL, 10,
                "seconds one missed ping of a host's agent stands for: the agent is asked every hostFailure/probe.interval,"
                        + " and a host whose agent has not answered for ping.interval times ping.maxMisses seconds is"
                        + " Disconnected and its VMs Unknown"));
        configs.define(GlobalConfigDefinition.positiveInt(HOST_CATEGORY, MAX_MISSES, 3,
                "pings a host's agent may miss in a row (each ping.interval seconds) before the host is Disconnected and"
                        + " its VMs Unknown"));
    }

    /** How long a host's agent may stay silent before the host is Disconnected: ping.interval times ping.maxMisses. */
    static Duration agentLostAfter(GlobalConfigs configs) {
        return Duration.ofSeconds(configs.longValue(HOST_CATEGORY, PING_INTERVAL) * configs.intValue(HOST_CATEGORY, MAX_MISSES));
    }

    public static boolean enabled(GlobalConfigs configs) {
        return configs.boolValue(CATEGORY, ENABLED);
    }

    static Duration probeInterval(GlobalConfigs configs) {
        return Duration.ofSeconds(configs.longValue(CATEGORY, PROBE_INTERVAL));
    }

    public static Duration confirmTime(GlobalConfigs configs) {
        return Duration.ofSeconds(configs.longValue(CATEGORY, CONFIRM_TIME));
    }

    static int witnesses(GlobalConfigs configs) {
        return configs.intValue(CATEGORY, WITNESSES);
    }
}
