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

    /**
     * A creation built by name: what every VM needs (its name, type, zone, image, offering and its shape, and its L3s,
     * the first the default route's unless {@link Builder#defaultL3} says otherwise), the rest optional.
     */
    public static Builder builder(String name, String type, String zoneUuid) {
        return new Builder(name, type, zoneUuid);
    }

    /** Builds a {@link VmCreation} by named steps instead of eighteen positions. */
    public static final class Builder {
        private final String name;
        private final String type;
        private final String zoneUuid;
        private String uuid;
        private String description;
        private String clusterUuid;
        private String hostUuid;
        private String imageUuid;
        private String instanceOfferingUuid;
        private int cpuNum;
        private long cpuSpeed;
        private long memorySize;
        private String platform = "Linux";
        private List<String> l3NetworkUuids = List.of();
        private Map<String, String> requiredIps = Map.of();
        private String defaultL3Uuid;
        private Map<String, String> bootParams = Map.of();
        private boolean startImmediately = true;

        private Builder(String name, String type, String zoneUuid) {
            this.name = name;
            this.type = type;
            this.zoneUuid = zoneUuid;
        }

        /** The VM's uuid when the caller must know it before creation. */
        public Builder uuid(String uuid) {
            this.uuid = uuid;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Where to place it: a cluster to choose in and a host to use, each null to let placement choose. */
        public Builder placement(String clusterUuid, String hostUuid) {
            this.clusterUuid = clusterUuid;
            this.hostUuid = hostUuid;
            return this;
        }

        public Builder image(String imageUuid, String platform) {
            this.imageUuid = imageUuid;
            this.platform = platform;
            return this;
        }

        public Builder offering(String instanceOfferingUuid, int cpuNum, long cpuSpeed, long memorySize) {
            this.instanceOfferingUuid = instanceOfferingUuid;
            this.cpuNum = cpuNum;
            this.cpuSpeed = cpuSpeed;
            this.memorySize = memorySize;
            return this;
        }

        /** One nic per L3, in this order (device ids 0..n-1). */
        public Builder l3Networks(List<String> l3NetworkUuids) {
            this.l3NetworkUuids = l3NetworkUuids;
            return this;
        }

        /** L3 uuid -> the address its nic must get. */
        public Builder requiredIps(Map<String, String> requiredIps) {
            this.requiredIps = requiredIps;
            return this;
        }

        public Builder defaultL3(String defaultL3Uuid) {
            this.defaultL3Uuid = defaultL3Uuid;
            return this;
        }

        public Builder bootParams(Map<String, String> bootParams) {
            this.bootParams = bootParams;
            return this;
        }

        /** false: CreateStopped. */
        public Builder startImmediately(boolean startImmediately) {
            this.startImmediately = startImmediately;
            return this;
        }

        public VmCreation build() {
            String defaultL3 = defaultL3Uuid != null ? defaultL3Uuid : l3NetworkUuids.isEmpty() ? null : l3NetworkUuids.get(0);
            return new VmCreation(uuid, name, description, type, zoneUuid, clusterUuid, hostUuid, imageUuid, instanceOfferingUuid,
                    cpuNum, cpuSpeed, memorySize, platform, l3NetworkUuids, requiredIps, defaultL3, bootParams, startImmediately);
        }
    }
}
