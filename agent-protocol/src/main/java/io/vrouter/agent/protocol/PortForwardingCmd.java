package io.vrouter.agent.protocol;

import java.util.List;

/** Body of {@code /createportforwarding}, {@code /revokeportforwarding} and {@code /syncportforwarding}. */
public record PortForwardingCmd(List<PortForwardingRuleTO> rules) {
}
