package io.vrouter.agent.protocol;

import java.util.List;

/** Body of {@code /setdns} (the whole ordered upstream list) and {@code /removedns} (the upstreams to drop). */
public record DnsCmd(List<DnsInfo> dns) {
}
