package io.vrouter.server.hostfailure;

import io.vrouter.server.config.GlobalConfigDefinition;
import io.vrouter.server.config.GlobalConfigs;

import java.time.Duration;

/** The global configurations of host death: how often hosts are probed, and how long silence takes to be death. */
public final class HostFailureSettings {
    public static final String CATEGORY = "hostFailure";
    public static final String ENABLED = "failover.enabled";
    public static final String PROBE_INTERVAL = "probe.interval";
    public static final String CONFIRM_TIME = "confirm.time";
    public static final String WITNESSES = "witnesses";

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
