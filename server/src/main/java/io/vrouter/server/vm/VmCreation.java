package io.vrouter.server.vm;

import java.util.List;
import java.util.Map;

/**
 * What to create: validated by whoever builds it (the CreateVmInstance handler for user VMs, the virtual router
 * provider for appliances).
 *
 * @param l3NetworkUuids   one nic per L3, in this order (device ids 0..n-1)
 * @param requiredIps      L3 uuid -> the address the nic must get (appliance nics on a guest L3 take its gateway)
 * @param defaultL3Uuid    the L3 of the default route
 * @param hostUuid         a host to use, or null to choose one
 * @param clusterUuid      a cluster to choose in, or null
 * @param bootParams       passed to the hypervisor (appliances)
 * @param startImmediately false: CreateStopped
 * @param uuid             the VM's uuid when the caller must know it before creation, else null
 */
public record VmCreation(String uuid, String name, String description, String type, String zoneUuid, String clusterUuid,
                         String hostUuid, String imageUuid, String instanceOfferingUuid, int cpuNum, long cpuSpeed,
                         long memorySize, String platform, List<String> l3NetworkUuids, Map<String, String> requiredIps,
                         String defaultL3Uuid, Map<String, String> bootParams, boolean startImmediately) {
    public VmCreation {
        l3NetworkUuids = List.copyOf(l3NetworkUuids);
        requiredIps = Map.copyOf(requiredIps);
        bootParams = Map.copyOf(bootParams);
    }
}
