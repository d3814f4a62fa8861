package io.vrouter.server.vrouter;

import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.networkservice.NetworkServiceBackend;
import io.vrouter.server.networkservice.NetworkServiceProvider;
import io.vrouter.server.networkservice.NetworkServiceType;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The built-in provider: DHCP, DNS, SNAT, EIP and port forwarding from the guest L3's virtual router. Before its
 * backends run for a starting VM it makes sure each of the VM's guest L3s has a running, connected router.
 * What follows a VM (its DHCP entry, its EIPs and port forwarding) is not sent by the backends: a VM coming or
 * going only syncs its L3's router ({@link VirtualRouters#syncRouterOf}), which reads the desired state from the
 * database and sends the difference. L3-wide state (DNS upstreams, SNAT) is not touched per VM at all.
 */
public final class VirtualRouterProvider implements NetworkServiceProvider {
    public static final String TYPE = "VirtualRouter";

    private final VirtualRouters routers;
    private final RouterRules rules;
    private final List<NetworkServiceBackend> backends;

    VirtualRouterProvider(VirtualRouters routers, RouterRules rules) {
        this.routers = routers;
        this.rules = rules;
        this.backends = List.of(new FollowsTheVm(NetworkServiceType.DHCP, true), new L3Wide(NetworkServiceType.DNS),
                new L3Wide(NetworkServiceType.SNAT), new FollowsTheVm(NetworkServiceType.EIP, false),
                new FollowsTheVm(NetworkServiceType.PORT_FORWARDING, false));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<NetworkServiceBackend> backends() {
        return backends;
    }

    @Override
    public void prepare(VmSpec vm, List<NicSpec> nics) {
        Set<String> l3s = new LinkedHashSet<>();
        nics.forEach(n -> l3s.add(n.l3NetworkUuid()));
        l3s.forEach(routers::acquire);
    }

    /**
     * A service whose router state follows the VM: the DHCP entry (before boot, so the guest's DHCP client finds it;
     * the VM is Starting then, which the desired state counts), EIPs and port forwarding (once the VM is Running,
     * which makes its rules active). Coming or going, the router is synced.
     */
    private final class FollowsTheVm implements NetworkServiceBackend {
        private final String type;
        private final boolean beforeBoot;

        FollowsTheVm(String type, boolean beforeBoot) {
            this.type = type;
            this.beforeBoot = beforeBoot;
        }

        @Override
        public String serviceType() {
            return type;
        }

        @Override
        public boolean appliesBeforeBoot() {
            return beforeBoot;
        }

        @Override
        public void apply(VmSpec vm, NicSpec nic) {
            syncIfConcerned(nic);
        }

        @Override
        public void release(VmSpec vm, NicSpec nic, boolean destroyed) {
            syncIfConcerned(nic);
        }

        /** A nic without rules of this kind changes no rule on the router: no sync to wait for (saves one per VM). */
        private void syncIfConcerned(NicSpec nic) {
            if (beforeBoot || rules.anyOnNic(nic.uuid(), type)) {
                routers.syncRouterOf(nic.l3NetworkUuid());
            }
        }
    }

    /**
     * DNS upstreams and source NAT serve the whole L3, not one VM: connect pushes them, and a change of the L3's DNS
     * servers or services syncs the router; a VM coming or going changes nothing.
     */
    private static final class L3Wide implements NetworkServiceBackend {
        private final String type;

        L3Wide(String type) {
            this.type = type;
        }

        @Override
        public String serviceType() {
            return type;
        }

        @Override
        public void apply(VmSpec vm, NicSpec nic) {
        }

        @Override
        public void release(VmSpec vm, NicSpec nic, boolean destroyed) {
        }
    }
}
