package io.vrouter.server.vm;

import io.vrouter.server.api.ApiException;
import io.vrouter.server.cluster.Clusters;
import io.vrouter.server.host.HostRecord;
import io.vrouter.server.host.Hosts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses the host of a new VM among the host package's candidates (Enabled, Connected, in a cluster with every L2
 * of the VM's L3s attached) and reserves its CPUs and memory there. The allocator spreads VMs: the candidate with
 * the most memory available first (ties in random order, so concurrent creations do not pile onto one host); when
 * another creation took that capacity meanwhile, the next. A Simulator host's capacity is a number with no machine
 * behind it: it is not reserved (thousands of simulated VMs share a handful of hosts in the benchmarks).
 */
final class Placement {
    private final Hosts hosts;

    Placement(Hosts hosts) {
        this.hosts = hosts;
    }

    /**
     * A host for a VM leaving {@code excludedHost} (confirmed dead): a candidate of the zone but that one, chosen and
     * reserved as for a new VM (the most memory left first), so that a failover never overcommits a host; a host not
     * in {@code preferNot} (the hosts of a VRRP partner) whenever one of those has room, so a pair's two routers stay
     * on two hosts after one of them moved.
     */
    HostRecord chooseExcept(String zoneUuid, Set<String> l2Uuids, String excludedHost, Set<String> preferNot,
                            int cpuNum, long memorySize) {
        List<HostRecord> candidates = new ArrayList<>(hosts.candidates(zoneUuid, null, l2Uuids).stream()
                .filter(h -> !h.uuid().equals(excludedHost)).toList());
        if (candidates.isEmpty()) {
            throw ApiException.operationFailed("no other host to re-create the VM on: need an Enabled, Connected host in zone "
                    + zoneUuid + " other than " + excludedHost + " whose cluster has L2 network(s) " + l2Uuids + " attached");
        }
        List<HostRecord> apart = new ArrayList<>(candidates.stream().filter(h -> !preferNot.contains(h.uuid())).toList());
        return reserveOnFirstWithRoom(apart, cpuNum, memorySize)
                .orElseGet(() -> reserveOnFirst(candidates, cpuNum, memorySize));
    }

    HostRecord choose(String zoneUuid, String clusterUuid, String hostUuid, Set<String> l2Uuids, int cpuNum, long memorySize) {
        List<HostRecord> candidates = new ArrayList<>(hosts.candidates(zoneUuid, clusterUuid, l2Uuids).stream()
                .filter(h -> hostUuid == null || h.uuid().equals(hostUuid)).toList());
        if (candidates.isEmpty()) {
            throw ApiException.operationFailed("no host to place the VM on: need an Enabled, Connected host in zone " + zoneUuid
                    + (clusterUuid != null ? ", cluster " + clusterUuid : "") + (hostUuid != null ? ", host " + hostUuid : "")
                    + " whose cluster has L2 network(s) " + l2Uuids + " attached");
        }
        return reserveOnFirst(candidates, cpuNum, memorySize);
    }

    /** The first candidate, most memory left first (ties at random), that still has the VM's CPUs and memory: reserved. */
    private HostRecord reserveOnFirst(List<HostRecord> candidates, int cpuNum, long memorySize) {
        return reserveOnFirstWithRoom(candidates, cpuNum, memorySize).orElseThrow(() -> ApiException.operationFailed(
                "no host has " + cpuNum + " CPU(s) and " + memorySize + " bytes of memory left for the VM"
                        + " among " + candidates.stream().map(HostRecord::name).toList()));
    }

    private Optional<HostRecord> reserveOnFirstWithRoom(List<HostRecord> candidates, int cpuNum, long memorySize) {
        Collections.shuffle(candidates, ThreadLocalRandom.current());
        candidates.sort(Comparator.comparingLong(HostRecord::availableMemoryCapacity).reversed());
        for (HostRecord host : candidates) {
            if (!reserves(host) || hosts.reserveCapacity(host.uuid(), cpuNum, memorySize)) {
                return Optional.of(host);
            }
        }
        return Optional.empty();
    }

    /** Gives back what {@link #choose} reserved on {@code host}. */
    void release(HostRecord host, int cpuNum, long memorySize) {
        if (reserves(host)) {
            hosts.returnCapacity(host.uuid(), cpuNum, memorySize);
        }
    }

    private static boolean reserves(HostRecord host) {
        return !Clusters.SIMULATOR.equals(host.hypervisorType());
    }
}
