package io.vrouter.server.vrouter;

import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.Hosts;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Anti-affinity for the two routers of a VRRP pair: the second goes on another host than the first whenever another
 * host can take it (Enabled, Connected, reaching every L2 of the router); with one host, both share it (null: let
 * placement choose). Host-agnostic: it knows hosts only through the host package's candidates.
 */
interface PairPlacement {
    PairPlacement NONE = (zone, avoid, l2s) -> null;

    /** A host other than {@code avoidHost}, or null when there is none (placement then chooses). */
    String hostApartFrom(String zoneUuid, String avoidHost, Set<String> l2Uuids);

    static PairPlacement of(Hosts hosts) {
        return (zone, avoid, l2s) -> {
            List<HostRecord> others = hosts.candidates(zone, null, l2s).stream().filter(h -> !h.uuid().equals(avoid)).toList();
            return others.isEmpty() ? null : others.get(ThreadLocalRandom.current().nextInt(others.size())).uuid();
        };
    }
}
