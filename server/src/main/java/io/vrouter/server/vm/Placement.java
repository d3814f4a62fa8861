package io.vrouter.server.vm;

import io.vrouter.server.api.ApiException;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.Hosts;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses the host of a new VM among the host package's candidates (Enabled, Connected, in a cluster with every L2
 * of the VM's L3s attached): a random one, so concurrent creations spread instead of piling onto the first host.
 * Capacity is recorded per host but not yet reserved (a Simulator host has no real limit to enforce).
 */
final class Placement {
    private final Hosts hosts;

    Placement(Hosts hosts) {
        this.hosts = hosts;
    }

    /** A host for a VM leaving {@code excludedHost} (confirmed dead): any candidate of the zone but that one. */
    HostRecord chooseExcept(String zoneUuid, Set<String> l2Uuids, String excludedHost) {
        List<HostRecord> candidates = hosts.candidates(zoneUuid, null, l2Uuids).stream()
                .filter(h -> !h.uuid().equals(excludedHost)).toList();
        if (candidates.isEmpty()) {
            throw ApiException.operationFailed("no other host to re-create the VM on: need an Enabled, Connected host in zone "
                    + zoneUuid + " other than " + excludedHost + " whose cluster has L2 network(s) " + l2Uuids + " attached");
        }
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }

    HostRecord choose(String zoneUuid, String clusterUuid, String hostUuid, Set<String> l2Uuids) {
        List<HostRecord> candidates = hosts.candidates(zoneUuid, clusterUuid, l2Uuids).stream()
                .filter(h -> hostUuid == null || h.uuid().equals(hostUuid)).toList();
        if (candidates.isEmpty()) {
            throw ApiException.operationFailed("no host to place the VM on: need an Enabled, Connected host in zone " + zoneUuid
                    + (clusterUuid != null ? ", cluster " + clusterUuid : "") + (hostUuid != null ? ", host " + hostUuid : "")
                    + " whose cluster has L2 network(s) " + l2Uuids + " attached");
        }
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
}
