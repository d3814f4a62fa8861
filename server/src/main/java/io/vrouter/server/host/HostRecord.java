package io.vrouter.server.host;

/** A host as other packages (the VM allocator) need it. Capacities: CPUs and bytes of memory. */
public record HostRecord(String uuid, String name, String zoneUuid, String clusterUuid, String managementIp,
                         String hypervisorType, String state, String status, long totalCpuCapacity,
                         long availableCpuCapacity, long totalMemoryCapacity, long availableMemoryCapacity) {
}
