package io.vrouter.server.host;

/**
 * A host about to be added, as an {@code AddXxxHost} API describes it.
 *
 * @param hypervisorType must equal the cluster's and have a registered {@link HostConnector}
 * @param cpuCapacity    number of CPUs offered to VMs
 * @param memoryCapacity bytes of memory offered to VMs
 */
public record NewHost(String name, String description, String managementIp, String clusterUuid, String hypervisorType,
                      long cpuCapacity, long memoryCapacity) {
}
