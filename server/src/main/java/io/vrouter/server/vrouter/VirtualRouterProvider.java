package io.vrouter.server.vrouter;

import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.networkservice.NetworkServiceBackend;
import io.vrouter.server.networkservice.NetworkServiceProvider;
import io.vrouter.server.networkservice.NetworkServiceType;
import io.vrouter.server.networkservice.NetworkServices;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in provider: DHCP, DNS, SNAT, EIP and port forwarding from the guest L3's virtual router. Before its
 * backends run for a starting VM it makes sure each of the VM's guest L3s has a running, connected router.
 * Per-VM backends send only what changed for the one nic (a DHCP entry, the rules that follow the VM); L3-wide
 * state (DNS upstreams, SNAT) is pushed by the router's connect and resynced when the L3 changes.
 */
public final class VirtualRouterProvider implements NetworkServiceProvider {
    public static final String TYPE = "VirtualRouter";

    private final VirtualRouters routers;
    private final RouterRepository repository;
    private final DesiredRouterState desired;
    private final NetworkServices services;
    private final List<NetworkServiceBackend> backends;

    VirtualRouterProvider(VirtualRouters routers, RouterRepository repository, DesiredRouterState desired, NetworkServices services) {
        this.routers = routers;
        this.repository = repository;
        this.desired = desired;
        this.services = services;
        this.backends = List.of(new Dhcp(), new Dns(), new Snat(), new RuleSync(NetworkServiceType.EIP), new RuleSync(NetworkServiceType.PORT_FORWARDING));
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

    /** The router serving an L3 and its nic there, when the router is up. */
    private Optional<RouterOnL3> routerOn(String l3Uuid) {
        return repository.routerOf(l3Uuid).flatMap(repository::find)
                .filter(r -> r.running() && VirtualRouters.CONNECTED.equals(r.status()))
                .flatMap(r -> DesiredRouterState.nicOn(repository.nicsOf(r.uuid()), l3Uuid).map(nic -> new RouterOnL3(r, nic)));
    }

    private record RouterOnL3(RouterRepository.Router router, RouterRepository.Nic nic) {
    }

    private static RouterRepository.Nic userNic(VmSpec vm, NicSpec nic) {
        return new RouterRepository.Nic(nic.uuid(), vm.uuid(), nic.l3NetworkUuid(), nic.ip(), nic.mac(), nic.netmask(),
                nic.gateway(), nic.deviceId(), null, nic.vlan(), nic.defaultRoute() ? nic.l3NetworkUuid() : null);
    }

    /** Static IP-MAC entries: one added when the VM comes up, removed (and its lease released) when it goes. */
    private final class Dhcp implements NetworkServiceBackend {
        @Override
        public String serviceType() {
            return NetworkServiceType.DHCP;
        }

        private DhcpInfo entry(RouterOnL3 on, VmSpec vm, NicSpec nic) {
            boolean dnsOnRouter = TYPE.equals(services.servicesOf(nic.l3NetworkUuid()).get(NetworkServiceType.DNS));
            return desired.dhcpEntry(userNic(vm, nic), on.nic(), dnsOnRouter);
        }

        @Override
        public void apply(VmSpec vm, NicSpec nic) {
            routerOn(nic.l3NetworkUuid()).ifPresent(on ->
                    routers.command(on.router(), "adddhcp", c -> c.addDhcp(List.of(entry(on, vm, nic)), false)));
        }

        @Override
        public void release(VmSpec vm, NicSpec nic, boolean destroyed) {
            routerOn(nic.l3NetworkUuid()).ifPresent(on ->
                    routers.command(on.router(), "removedhcp", c -> c.removeDhcp(List.of(entry(on, vm, nic)))));
        }
    }

    /**
     * The L3's DNS servers as the router's upstreams, in order. They serve the whole L3, not one VM: connect pushes
     * them, and a change of the L3's DNS servers or services resyncs the router; a VM coming or going changes nothing.
     */
    private final class Dns implements NetworkServiceBackend {
        @Override
        public String serviceType() {
            return NetworkServiceType.DNS;
        }

        @Override
        public void apply(VmSpec vm, NicSpec nic) {
        }

        @Override
        public void release(VmSpec vm, NicSpec nic, boolean destroyed) {
        }
    }

    /** Source NAT of the guest subnet: L3-wide like DNS, pushed by connect and on L3 changes, not per VM. */
    private final class Snat implements NetworkServiceBackend {
        @Override
        public String serviceType() {
            return NetworkServiceType.SNAT;
        }

        @Override
        public void apply(VmSpec vm, NicSpec nic) {
        }

        @Override
        public void release(VmSpec vm, NicSpec nic, boolean destroyed) {
        }
    }

    /**
     * EIPs and port forwarding follow the VM: when it comes up or goes, the router's rules are synced to what the
     * database says (rules of stopped VMs are not active), so the agent adds or drops exactly the difference.
     */
    private final class RuleSync implements NetworkServiceBackend {
        private final String type;

        RuleSync(String type) {
            this.type = type;
        }

        @Override
        public String serviceType() {
            return type;
        }

        @Override
        public boolean appliesBeforeBoot() {
            return false;
        }

        @Override
        public void apply(VmSpec vm, NicSpec nic) {
            // VIPs before the rules that use them
            routerOn(nic.l3NetworkUuid()).ifPresent(on -> {
                syncVips(on);
                syncRules(on);
            });
        }

        @Override
        public void release(VmSpec vm, NicSpec nic, boolean destroyed) {
            // rules before the VIPs they used
            routerOn(nic.l3NetworkUuid()).ifPresent(on -> {
                syncRules(on);
                syncVips(on);
            });
        }

        private void syncVips(RouterOnL3 on) {
            var vips = desired.vipsOf(on.router());
            routers.command(on.router(), "syncvip", c -> c.syncVips(vips));
        }

        private void syncRules(RouterOnL3 on) {
            if (type.equals(NetworkServiceType.EIP)) {
                var eips = desired.eipsOf(on.router());
                routers.command(on.router(), "synceip", c -> c.syncEips(eips));
            } else {
                var rules = desired.portForwardingsOf(on.router());
                routers.command(on.router(), "syncportforwarding", c -> c.syncPortForwarding(rules));
            }
        }
    }
}
