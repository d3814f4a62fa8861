package io.vrouter.server.hypervisor;

import java.util.List;
import java.util.Map;

/**
 * A VM as a hypervisor backend and the VM lifecycle extensions see it.
 *
 * @param type       {@code UserVm} or {@code ApplianceVm}
 * @param bootParams what an appliance needs at boot (agent secret, management address...); empty for user VMs
 */
public record VmSpec(String uuid, String name, String type, String hostUuid, String hypervisorType, int cpuNum,
                     long memorySize, List<NicSpec> nics, Map<String, String> bootParams) {
    public static final String USER_VM = "UserVm";
    public static final String APPLIANCE_VM = "ApplianceVm";

    public VmSpec {
        nics = List.copyOf(nics);
        bootParams = Map.copyOf(bootParams);
    }

    public boolean isAppliance() {
        return APPLIANCE_VM.equals(type);
    }
}
