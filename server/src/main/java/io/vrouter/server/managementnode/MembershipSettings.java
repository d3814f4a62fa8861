package io.vrouter.server.managementnode;

import io.vrouter.server.config.GlobalConfigDefinition;
import io.vrouter.server.config.GlobalConfigs;

import java.time.Duration;

/** The membership's global configurations. */
public final class MembershipSettings {
    public static final String CATEGORY = "managementNode";
    public static final String HEARTBEAT_INTERVAL = "heartbeat.interval";
    public static final String HEARTBEAT_TIMEOUT = "heartbeat.timeout";

    private MembershipSettings() {
    }

    static void register(GlobalConfigs configs) {
        configs.define(GlobalConfigDefinition.positiveInt(CATEGORY, HEARTBEAT_INTERVAL, 2,
                "seconds between a management node's heartbeats and renewals of its hosts' leases"));
        configs.define(GlobalConfigDefinition.positiveInt(CATEGORY, HEARTBEAT_TIMEOUT, 6,
                "seconds without a heartbeat after which a management node counts as dead and its hosts' leases lapse;"
                        + " another node takes them within one heartbeat interval more (keep it above twice the interval)"));
    }

    static Duration interval(GlobalConfigs configs) {
        return Duration.ofSeconds(configs.longValue(CATEGORY, HEARTBEAT_INTERVAL));
    }

    /** Never shorter than two intervals: a lease must survive one late renewal. */
    static Duration timeout(GlobalConfigs configs) {
        Duration timeout = Duration.ofSeconds(configs.longValue(CATEGORY, HEARTBEAT_TIMEOUT));
        Duration floor = interval(configs).multipliedBy(2);
        return timeout.compareTo(floor) < 0 ? floor : timeout;
    }
}
