package io.vrouter.server.vip;

import io.vrouter.server.vm.VmDirectory;
import io.vrouter.server.vm.VmState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The nic checks EIPs and rules share, without a node. */
class VipsTest {
    private static final Vips.VipRow VIP = new Vips.VipRow("v", "vip", "public", "172.16.5.9", "255.255.0.0", "172.16.0.1",
            "Enabled", false, "u");

    private static VmDirectory.NicWithVm nic(String vmType, String vmState, String l3, String ip, String netmask) {
        return new VmDirectory.NicWithVm("n", "vm", "web", vmType, VmState.valueOf(vmState), l3, ip, netmask, "fa:00:00:00:00:01");
    }

    @Test
    void aUserVmNicOnAnotherSubnetPasses() {
        assertThat(Vips.nicProblem(VIP, nic("UserVm", "Running", "guest", "192.168.1.5", "255.255.255.0"), "an EIP")).isNull();
        assertThat(Vips.nicProblem(VIP, nic("UserVm", "Stopped", "guest", "172.17.0.5", "255.255.0.0"), "an EIP")).isNull();
    }

    @Test
    void theVipInsideTheGuestSubnetIsRefusedAtItsEdgesToo() {
        assertThat(Vips.nicProblem(VIP, nic("UserVm", "Running", "guest", "172.16.200.3", "255.255.0.0"), "an EIP"))
                .isEqualTo("VIP vip (172.16.5.9, v) lies inside the guest subnet 172.16.0.0/16 of VM nic n (172.16.200.3 of VM web)");
        Vips.VipRow edge = new Vips.VipRow("v", "vip", "public", "10.0.0.255", "255.255.255.0", "10.0.0.1", "Enabled", false, "u");
        assertThat(Vips.nicProblem(edge, nic("UserVm", "Running", "guest", "10.0.0.7", "255.255.255.0"), "an EIP")).isNotNull();
        Vips.VipRow outside = new Vips.VipRow("v", "vip", "public", "10.0.1.0", "255.255.255.0", "10.0.1.1", "Enabled", false, "u");
        assertThat(Vips.nicProblem(outside, nic("UserVm", "Running", "guest", "10.0.0.7", "255.255.255.0"), "an EIP")).isNull();
    }

    @Test
    void appliancesDyingVmsAddresslessNicsAndTheVipsL3AreRefused() {
        assertThat(Vips.nicProblem(VIP, nic("ApplianceVm", "Running", "guest", "192.168.1.1", "255.255.255.0"), "an EIP"))
                .isEqualTo("VM nic n (192.168.1.1 of VM web) belongs to an appliance VM (ApplianceVm); an EIP can only reach a user VM");
        assertThat(Vips.nicProblem(VIP, nic("UserVm", "Destroying", "guest", "192.168.1.5", "255.255.255.0"), "an EIP"))
                .isEqualTo("VM nic n (192.168.1.5 of VM web) belongs to a VM that is Destroying");
        assertThat(Vips.nicProblem(VIP, nic("UserVm", "Running", "guest", null, null), "an EIP"))
                .isEqualTo("VM nic n (no address of VM web) has no IP address");
        assertThat(Vips.nicProblem(VIP, nic("UserVm", "Running", "public", "172.16.7.7", "255.255.0.0"), "a port forwarding rule"))
                .isEqualTo("VM nic n (172.16.7.7 of VM web) is on L3 network public, the L3 of VIP vip (172.16.5.9, v);"
                        + " a port forwarding rule needs a nic on another (guest) L3");
    }
}
