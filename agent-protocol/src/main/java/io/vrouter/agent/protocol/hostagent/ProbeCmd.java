package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/**
 * {@code /host/probe}: the management node asks this host (a witness) whether it reaches another host's addresses
 * from where it stands (an ICMP echo from this host's own network stack, within {@code timeoutMillis} each).
 */
public record ProbeCmd(List<String> addresses, int timeoutMillis) {
    public ProbeCmd {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
}
